#include "driver.hpp"

#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <semaphore>
#include <thread>

namespace ordo::bench::commands {

double process_cpu_us() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto us = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec);
  };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

struct run_state {
  run_state(unsigned window, std::size_t capacity) : slots(window), latency_ns(capacity) {}
  std::counting_semaphore<1 << 20> slots;
  std::vector<std::uint32_t> latency_ns;  // by operation index
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> failed{0};
};

void ticket::operator()(bool ok) const {
  auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - started_).count();
  run_->latency_ns[index_] = static_cast<std::uint32_t>(std::min<std::int64_t>(ns, UINT32_MAX));
  if (!ok) run_->failed.fetch_add(1, std::memory_order_relaxed);
  run_->completed.fetch_add(1, std::memory_order_relaxed);
  run_->slots.release();
}

point drive(unsigned window, double seconds, std::uint64_t max_count, const issue_fn& issue,
            double rate) {
  const bool timed = seconds > 0 && std::isfinite(seconds);
  // Room for the latencies of any plausible rate; issuing stops if it is ever full.
  auto capacity = max_count;
  if (timed)
    capacity = std::min<std::uint64_t>(capacity, static_cast<std::uint64_t>(seconds * 3e6) + 1024);
  auto run = std::make_shared<run_state>(window, capacity);
  const auto start = clock_type::now();
  const auto end = timed ? start + std::chrono::duration_cast<clock_type::duration>(
                                       std::chrono::duration<double>(seconds))
                         : clock_type::time_point::max();
  std::uint64_t issued = 0;
  for (; issued < capacity; ++issued) {
    if (rate > 0) {
      auto due = start + std::chrono::duration_cast<clock_type::duration>(
                             std::chrono::duration<double>(issued / rate));
      if (due > clock_type::now()) std::this_thread::sleep_until(due);
    }
    if (timed && clock_type::now() >= end) break;
    run->slots.acquire();
    issue(issued, ticket(run, issued, clock_type::now()));
  }
  for (unsigned w = 0; w < window; ++w) run->slots.acquire();  // every operation has completed
  const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();

  point p;
  p.completed = run->completed.load();
  p.failed = run->failed.load();
  p.per_second = elapsed > 0 ? static_cast<double>(p.completed) / elapsed : 0;
  std::vector<double> latencies(issued);
  for (std::uint64_t i = 0; i < issued; ++i) latencies[i] = run->latency_ns[i] / 1000.0;
  p.p50_us = percentile(latencies, 50);
  p.p99_us = percentile(latencies, 99);
  return p;
}

temp_dir::temp_dir(const std::string& base, const std::string& tag) {
  auto pattern =
      (std::filesystem::path(base) / ("ordo-bench-commands-" + tag + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) fail("mkdtemp in " + base);
  path = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

node::node(const std::string& path, persistence::sync_mode sync, actors::runtime_settings settings,
           std::size_t block_cache_bytes) {
  auto opened = persistence::database::open(
      {.path = path, .sync = sync, .block_cache_bytes = block_cache_bytes});
  if (!opened) fail("open " + path + ": " + opened.error().message);
  db = std::move(*opened);
  start_runtime(settings);
}

node::~node() {
  stop_runtime();
  db.reset();
}

void node::start_runtime(actors::runtime_settings settings) {
  stop_runtime();
  rt = std::make_unique<actors::runtime>(*db, settings);
}

void node::stop_runtime() {
  rt.reset();
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::uint64_t rss_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmRSS:")) return std::stoull(line.substr(6)) * 1024;
  fail("no VmRSS in /proc/self/status");
}

double percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  rank = std::clamp<std::size_t>(rank, 1, samples.size()) - 1;
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(rank),
                   samples.end());
  return samples[rank];
}

void fail(const std::string& what) {
  std::fprintf(stderr, "ordo_bench_commands: %s\n", what.c_str());
  std::exit(2);
}

std::vector<std::string> order_ids(std::size_t count, const std::string& prefix) {
  std::vector<std::string> ids;
  ids.reserve(count);
  for (std::size_t i = 0; i < count; ++i) ids.push_back(prefix + std::to_string(i));
  return ids;
}

void create_orders(actors::gateway& gate, const std::vector<std::string>& ids, unsigned window) {
  auto created = drive(window, 0, ids.size(), [&](std::uint64_t i, ticket done) {
    actors::command_envelope e;
    e.aggregate_type = "order";
    e.aggregate_id = ids[i];
    e.command = "create";
    e.body = R"({"customer_id":"c-)" + std::to_string(i % 1000) + "\"}";
    e.issued_at_ms = now_ms();
    gate.send_async(std::move(e), [done](actors::command_reply r) {
      done(r.ok() || r.code == actors::outcome::already_exists);
    });
  });
  if (created.failed > 0) fail(std::to_string(created.failed) + " orders could not be created");
}

actors::command_envelope add_item(const std::string& id, std::uint64_t n) {
  static const std::string bodies[] = {R"({"sku":"sku-0","quantity":1,"unit_price_cents":250})",
                                       R"({"sku":"sku-1","quantity":1,"unit_price_cents":250})",
                                       R"({"sku":"sku-2","quantity":1,"unit_price_cents":250})",
                                       R"({"sku":"sku-3","quantity":1,"unit_price_cents":250})",
                                       R"({"sku":"sku-4","quantity":1,"unit_price_cents":250})"};
  actors::command_envelope e;
  e.aggregate_type = "order";
  e.aggregate_id = id;
  e.command = "add_item";
  e.body = bodies[n % 5];
  e.command_id = "bench-" + std::to_string(n);
  e.issued_at_ms = now_ms();
  return e;
}

bool await_projections(node& n, std::chrono::seconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  auto target = n.db->events().last_position();
  while (!n.gate().await_position(target, std::chrono::seconds(30)))
    if (std::chrono::steady_clock::now() >= until) return false;
  return true;
}

}  // namespace ordo::bench::commands
