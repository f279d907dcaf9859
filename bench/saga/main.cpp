// ordo_bench_saga: fulfillment sagas completed per second (orders of 3 skus, tok_ok) and the time
// from `place` to `confirmed`, in process (gateway -> actors -> journal) or over HTTP against a
// running `ordo serve` (--url). The baseline of the same run is the plain command rate: the
// orders' `create` commands, issued the same way with the same window. A saga costs about twelve
// journal appends (place, start, three reservations and their records, authorize and its record,
// confirm and its record), so a ratio near 1/12 means the saga adds no overhead of its own.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "actors/runtime.hpp"
#include "persistence/database.hpp"
#include "readmodel/projections/saga_view.hpp"

namespace {

using namespace ordo;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

struct options {
  std::size_t orders = 3000;
  unsigned window = 64;
  std::size_t skus = 30;
  std::string url;  // empty: in process
  bool sync_none = true, sync_always = true;
};

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "ordo_bench_saga: %s\n", why.c_str());
  std::exit(1);
}

std::int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
  return v[i];
}

std::string order_id(std::size_t i) {
  return "bench-" + std::to_string(i);
}

json order_body(const options& o, std::size_t i) {
  json items = json::array();
  for (std::size_t k = 0; k < 3; ++k)
    items.push_back({{"sku", "sku-" + std::to_string((i + k * 7) % o.skus)},
                     {"quantity", 1},
                     {"unit_price_cents", 100}});
  return {{"customer_id", "c" + std::to_string(i % 100)}, {"items", items}};
}

struct result {
  double commands_per_second = 0;
  double sagas_per_second = 0;
  double p50_ms = 0, p99_ms = 0;
};

// Place -> confirmed per order, from the events' own timestamps (both set when the command was
// issued, in milliseconds).
double place_to_confirmed_ms(const std::vector<json>& events) {
  std::int64_t placed = -1, confirmed = -1;
  for (auto& e : events) {
    if (e["type"] == "OrderPlaced") placed = e["ts"].get<std::int64_t>();
    if (e["type"] == "OrderConfirmed") confirmed = e["ts"].get<std::int64_t>();
  }
  return placed >= 0 && confirmed >= 0 ? static_cast<double>(confirmed - placed) : -1;
}

// In process: a runtime over a fresh database.
result run_in_process(const options& o, persistence::sync_mode sync) {
  auto dir =
      std::filesystem::temp_directory_path() / ("ordo-bench-saga-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  auto db = persistence::database::open({.path = dir.string(), .sync = sync});
  if (!db) fail("open: " + db.error().message);
  result r;
  {
    actors::runtime node(**db, actors::runtime_settings{});
    auto& gate = node.gateway();
    auto send = [&](std::string type, std::string id, std::string command, json body) {
      actors::command_envelope e{
          std::move(type), std::move(id), std::move(command), body.dump(), {}, {}, {}, -1,
          wall_ms()};
      return e;
    };
    for (std::size_t s = 0; s < o.skus; ++s) {
      auto reply = gate.send(
          send("stock", "sku-" + std::to_string(s), "restock", {{"quantity", 1'000'000}}));
      if (!reply.ok()) fail("restock: " + reply.message);
    }
    // Issues one command per order with at most `window` in flight; returns the elapsed seconds.
    auto windowed = [&](auto make) {
      std::counting_semaphore<1 << 16> slots(o.window);
      std::atomic<std::size_t> failed{0};
      auto start = clock_type::now();
      for (std::size_t i = 0; i < o.orders; ++i) {
        slots.acquire();
        gate.send_async(make(i), [&](actors::command_reply reply) {
          if (!reply.ok()) failed.fetch_add(1);
          slots.release();
        });
      }
      for (unsigned w = 0; w < o.window; ++w) slots.acquire();
      if (failed) fail(std::to_string(failed.load()) + " commands failed");
      return std::chrono::duration<double>(clock_type::now() - start).count();
    };
    auto create_seconds = windowed(
        [&](std::size_t i) { return send("order", order_id(i), "create", order_body(o, i)); });
    r.commands_per_second = static_cast<double>(o.orders) / create_seconds;

    auto start = clock_type::now();
    windowed([&](std::size_t i) {
      return send("order", order_id(i), "place", {{"payment_token", "tok_ok"}});
    });
    auto& kv = (*db)->kv();
    for (;;) {
      auto totals = readmodel::projections::load_saga_totals(kv);
      if (totals && totals->finished["confirmed"] >= static_cast<std::int64_t>(o.orders)) break;
      if (clock_type::now() - start > std::chrono::minutes(5))
        fail("sagas did not finish in 5 minutes");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    r.sagas_per_second = static_cast<double>(o.orders) /
                         std::chrono::duration<double>(clock_type::now() - start).count();
  }
  std::vector<double> latencies;
  for (std::size_t i = 0; i < o.orders; ++i) {
    auto events = (*db)->events().read("order-" + order_id(i), 1, persistence::unbounded, 100);
    if (!events) fail("read: " + events.error().message);
    std::vector<json> shaped;
    for (auto& e : *events) shaped.push_back({{"type", e.type}, {"ts", e.timestamp_ms}});
    if (auto ms = place_to_confirmed_ms(shaped); ms >= 0) latencies.push_back(ms);
  }
  r.p50_ms = percentile(latencies, 50);
  r.p99_ms = percentile(latencies, 99);
  db->reset();
  std::filesystem::remove_all(dir);
  return r;
}

// Over HTTP: `window` client threads, each with its own keep-alive connection.
result run_over_http(const options& o) {
  auto client = [&] {
    auto c = std::make_unique<httplib::Client>(o.url);
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);
    return c;
  };
  auto post = [](httplib::Client& c, const std::string& path, const json& body, int expected) {
    auto r = c.Post(path.c_str(), body.dump(), "application/json");
    if (!r || r->status != expected)
      fail("POST " + path + ": " + (r ? std::to_string(r->status) + " " + r->body : "no answer"));
  };
  auto run_id = std::to_string(wall_ms());
  auto id = [&](std::size_t i) { return order_id(i) + "-" + run_id; };
  {
    auto c = client();
    for (std::size_t s = 0; s < o.skus; ++s)
      post(*c, "/v1/inventory/sku-" + std::to_string(s) + "/restock", {{"quantity", 1'000'000}},
           200);
  }
  auto parallel = [&](auto per_order) {
    auto start = clock_type::now();
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < o.window; ++t)
      threads.emplace_back([&, t] {
        auto c = client();
        for (std::size_t i = t; i < o.orders; i += o.window) per_order(*c, i);
      });
    for (auto& t : threads) t.join();
    return std::chrono::duration<double>(clock_type::now() - start).count();
  };
  result r;
  auto create_seconds = parallel([&](httplib::Client& c, std::size_t i) {
    auto body = order_body(o, i);
    body["order_id"] = id(i);
    post(c, "/v1/orders", body, 201);
  });
  r.commands_per_second = static_cast<double>(o.orders) / create_seconds;
  auto confirmed_now = [&] {
    auto c = client();
    auto res = c->Get("/v1/views/stats");
    if (!res || res->status != 200) fail("GET /v1/views/stats failed");
    return json::parse(res->body)["orders_by_status"]["confirmed"].get<std::int64_t>();
  };
  auto before = confirmed_now();
  auto start = clock_type::now();
  parallel([&](httplib::Client& c, std::size_t i) {
    post(c, "/v1/orders/" + id(i) + "/place", {{"payment_token", "tok_ok"}}, 202);
  });
  while (confirmed_now() < before + static_cast<std::int64_t>(o.orders)) {
    if (clock_type::now() - start > std::chrono::minutes(5))
      fail("sagas did not finish in 5 minutes");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.sagas_per_second = static_cast<double>(o.orders) /
                       std::chrono::duration<double>(clock_type::now() - start).count();
  std::vector<double> latencies;
  auto c = client();
  for (std::size_t i = 0; i < o.orders; i += std::max<std::size_t>(1, o.orders / 1000)) {
    auto res = c->Get(("/v1/orders/" + id(i) + "/events").c_str());
    if (!res || res->status != 200) fail("GET events failed");
    std::vector<json> shaped;
    auto body = json::parse(res->body);
    for (auto& e : body["events"]) {
      // The envelope's timestamp is RFC 3339 with milliseconds: compare the seconds part as text.
      auto ts = e["timestamp"].get<std::string>();
      auto seconds = std::stoll(ts.substr(11, 2)) * 3600 + std::stoll(ts.substr(14, 2)) * 60;
      auto ms = static_cast<std::int64_t>(std::stod(ts.substr(17, 6)) * 1000);
      shaped.push_back({{"type", e["type"]}, {"ts", seconds * 1000 + ms}});
    }
    if (auto ms = place_to_confirmed_ms(shaped); ms >= 0) latencies.push_back(ms);
  }
  r.p50_ms = percentile(latencies, 50);
  r.p99_ms = percentile(latencies, 99);
  return r;
}

void print(const char* mode, const result& r) {
  std::printf("%-22s %12.0f %10.0f %8.3f %10.1f %10.1f\n", mode, r.commands_per_second,
              r.sagas_per_second, r.sagas_per_second / r.commands_per_second, r.p50_ms, r.p99_ms);
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail("missing value after " + a);
      return argv[++i];
    };
    if (a == "--orders")
      o.orders = std::stoull(value());
    else if (a == "--window")
      o.window = static_cast<unsigned>(std::stoul(value()));
    else if (a == "--url")
      o.url = value();
    else if (a == "--sync") {
      auto v = value();
      o.sync_none = v != "always";
      o.sync_always = v != "none";
    } else {
      std::fprintf(stderr,
                   "usage: %s [--orders N] [--window W] [--sync none|always|both] [--url URL]\n",
                   argv[0]);
      return 2;
    }
  }
  std::printf("%zu orders of 3 skus, tok_ok, %u in flight\n", o.orders, o.window);
  std::printf("%-22s %12s %10s %8s %10s %10s\n", "mode", "commands/s", "sagas/s", "ratio", "p50 ms",
              "p99 ms");
  if (!o.url.empty()) {
    print("http", run_over_http(o));
    return 0;
  }
  if (o.sync_none) print("in process, sync=none", run_in_process(o, persistence::sync_mode::none));
  if (o.sync_always)
    print("in process, sync=always", run_in_process(o, persistence::sync_mode::always));
  return 0;
}
