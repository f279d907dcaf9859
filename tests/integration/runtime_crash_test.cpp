// Crash safety of the actor runtime: a child process (runtime_crash_child.cpp) sends commands to
// ~200 orders and 20 skus through the gateway with sync_mode::always, reports each acknowledged
// command, and is SIGKILLed at a random moment, over and over on the same directory. After some
// rounds and at the end, this process opens the database, starts a runtime (with its projections),
// and checks that:
//   - the journal is sound: positions contiguous, every stream's versions contiguous from 1, and
//     every command id (each sent once) recorded at most once;
//   - every acknowledged command is in the journal exactly once, at the acknowledged version,
//     with the acknowledged effect (acknowledged ⊆ durable; a kill may make more durable);
//   - every aggregate, queried through the gateway, equals the fold of its stream, so stock
//     on_hand is the sum of all durable Restocked events and item quantities are at least the
//     acknowledged sums;
//   - once the projections have caught up with the journal, every order's summary, the
//     per-customer index and the stats count each durable event exactly once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "actors/runtime.hpp"
#include "domain/deciders.hpp"
#include "persistence/database.hpp"
#include "readmodel/projection.hpp"
#include "readmodel/view_queries.hpp"
#include "tests/integration/kill_child.hpp"

namespace ordo::actors::crash {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
namespace order = domain::order;
namespace stock = domain::stock;

constexpr int rounds = 24;
constexpr std::array<int, 3> intermediate_checks{6, 12, 18};  // after these rounds, and the last
constexpr auto ready_timeout = std::chrono::seconds(30);

// One acknowledged command as the child reported it.
struct ack {
  std::string kind;       // create | add | restock | status
  std::string aggregate;  // order id or sku
  std::string detail;     // add: the item's sku; status: placed | cancelled
  std::int64_t quantity = 0;
  std::uint64_t version = 0;
};

// What the journal holds, folded with the domain's own evolve().
struct journal_fold {
  std::map<std::string, order::state> orders;     // by order id
  std::map<std::string, stock::state> stocks;     // by sku
  std::map<std::string, std::uint64_t> versions;  // by stream
  std::map<std::string, std::vector<persistence::recorded_event>> by_command_id;
  std::map<std::string, std::int64_t> restocked;  // sum of Restocked quantities, by sku
  std::uint64_t events = 0;
  std::uint64_t last_position = 0;
};

std::int64_t quantity_of(const order::state& s, const std::string& sku) {
  for (auto& item : s.items)
    if (item.sku == sku) return item.quantity;
  return 0;
}

class RuntimeCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = std::random_device{}();
    rng_.seed(seed_);
    dir_ = std::filesystem::temp_directory_path() /
           ("ordo-runtime-crash-" + std::to_string(getpid()) + "-" + std::to_string(seed_));
    std::filesystem::remove_all(dir_);
    RecordProperty("seed", std::to_string(seed_));
  }

  void TearDown() override {
    if (HasFailure())
      std::fprintf(stderr, "runtime crash test kept its directory: %s (seed %u)\n", dir_.c_str(),
                   seed_);
    else
      std::filesystem::remove_all(dir_);
  }

  void record_acks(const std::string& out) {
    ASSERT_TRUE(out.empty() || out.back() == '\n') << "a report line was torn";
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line == "ready") continue;
      std::istringstream in(line);
      ack a;
      std::string command_id;
      in >> a.kind >> a.aggregate;
      if (a.kind == "add")
        in >> a.detail >> a.quantity;
      else if (a.kind == "restock")
        in >> a.quantity;
      else if (a.kind == "status")
        in >> a.detail;
      else
        ASSERT_EQ(a.kind, "create") << "unknown report: " << line;
      in >> a.version >> command_id;
      ASSERT_TRUE(in && !command_id.empty()) << "unreadable report: " << line;
      ASSERT_TRUE(acks_.emplace(command_id, a).second) << "command id acknowledged twice: " << line;
      ++acks_by_kind_[a.kind];
    }
  }

  // Reads the whole journal and checks its shape.
  journal_fold fold_journal(persistence::database& db) {
    journal_fold f;
    std::uint64_t previous_position = 0;
    auto visited = db.events().for_each(1, [&](const persistence::recorded_event& e) {
      ++f.events;
      EXPECT_EQ(e.position, previous_position + 1) << "positions are not contiguous";
      previous_position = e.position;
      auto& version = f.versions[e.stream];
      EXPECT_EQ(e.version, version + 1) << e.stream << ": versions are not contiguous";
      version = e.version;
      if (!e.command_id.empty()) f.by_command_id[e.command_id].push_back(e);
      const domain::encoded_event encoded{e.type, e.schema_version, e.data};
      if (e.stream.starts_with("order-")) {
        auto event = domain::order_decider::decode(encoded);
        EXPECT_TRUE(event) << e.stream << " v" << e.version << " cannot be decoded";
        if (event) order::evolve(f.orders[e.stream.substr(6)], *event, e.timestamp_ms);
      } else if (e.stream.starts_with("stock-")) {
        auto event = domain::stock_decider::decode(encoded);
        EXPECT_TRUE(event) << e.stream << " v" << e.version << " cannot be decoded";
        if (!event) return true;
        stock::evolve(f.stocks[e.stream.substr(6)], *event, e.timestamp_ms);
        if (auto* r = std::get_if<stock::restocked>(&*event)) f.restocked[r->sku] += r->quantity;
      } else {
        ADD_FAILURE() << "unexpected stream " << e.stream;
      }
      return true;
    });
    EXPECT_TRUE(visited) << visited.error().message;
    f.last_position = previous_position;
    EXPECT_EQ(db.events().last_position(), f.last_position);
    for (auto& [id, events] : f.by_command_id)
      EXPECT_EQ(events.size(), 1u)
          << "command " << id << " was recorded " << events.size() << " times";
    return f;
  }

  // Every acknowledged command is durable exactly once, where and as it was acknowledged.
  void check_acks(const journal_fold& f) {
    std::map<std::pair<std::string, std::string>, std::int64_t> acked_items;  // (order, sku)
    std::map<std::string, std::int64_t> acked_restocks;                       // by sku
    for (auto& [command_id, a] : acks_) {
      SCOPED_TRACE(a.kind + " " + a.aggregate + " " + command_id);
      auto found = f.by_command_id.find(command_id);
      ASSERT_NE(found, f.by_command_id.end()) << "an acknowledged command is not in the journal";
      ASSERT_EQ(found->second.size(), 1u);
      auto& e = found->second.front();
      EXPECT_EQ(e.stream, (a.kind == "restock" ? "stock-" : "order-") + a.aggregate);
      EXPECT_EQ(e.version, a.version);
      const domain::encoded_event encoded{e.type, e.schema_version, e.data};
      if (a.kind == "restock") {
        auto event = domain::stock_decider::decode(encoded);
        auto* restocked = event ? std::get_if<stock::restocked>(&*event) : nullptr;
        ASSERT_NE(restocked, nullptr) << e.type;
        EXPECT_EQ(restocked->quantity, a.quantity);
        acked_restocks[a.aggregate] += a.quantity;
        continue;
      }
      auto event = domain::order_decider::decode(encoded);
      ASSERT_TRUE(event);
      if (a.kind == "add") {
        auto* added = std::get_if<order::item_added>(&*event);
        ASSERT_NE(added, nullptr) << e.type;
        EXPECT_EQ(added->sku, a.detail);
        EXPECT_EQ(added->quantity, a.quantity);
        acked_items[{a.aggregate, a.detail}] += a.quantity;
      } else if (a.kind == "create") {
        EXPECT_TRUE(std::holds_alternative<order::order_created>(*event)) << e.type;
      } else {
        EXPECT_EQ(e.type, a.detail == "placed" ? "OrderPlaced" : "OrderCancelled");
      }
    }
    // acked ⊆ durable, as sums: quantities only grow while an order is a draft, and no item is
    // ever removed, so the fold holds at least what was acknowledged.
    for (auto& [key, quantity] : acked_items) {
      auto it = f.orders.find(key.first);
      ASSERT_NE(it, f.orders.end()) << key.first;
      EXPECT_GE(quantity_of(it->second, key.second), quantity) << key.first << " " << key.second;
    }
    for (auto& [sku, quantity] : acked_restocks) {
      auto it = f.stocks.find(sku);
      ASSERT_NE(it, f.stocks.end()) << sku;
      EXPECT_GE(it->second.on_hand, quantity) << sku;
    }
  }

  // Each aggregate, recovered by a fresh runtime, is exactly the fold of its stream.
  void check_aggregates(gateway& gate, const journal_fold& f) {
    auto check = [&](const std::string& type, const std::string& id, json expected) {
      auto version = f.versions.at(type + "-" + id);
      expected["version"] = version;
      auto reply = gate.query(type, id);
      ASSERT_TRUE(reply.ok()) << type << " " << id << ": " << reply.code << " " << reply.message;
      EXPECT_EQ(reply.version, version) << type << " " << id;
      EXPECT_EQ(json::parse(reply.state), expected) << type << " " << id;
    };
    for (auto& [id, s] : f.orders) check("order", id, order::to_json(s));
    for (auto& [sku, s] : f.stocks) {
      check("stock", sku, stock::to_json(s));
      auto state = json::parse(gate.query("stock", sku).state);
      EXPECT_EQ(state["on_hand"], f.restocked.count(sku) ? f.restocked.at(sku) : 0) << sku;
    }
  }

  // The projections, once caught up, hold every durable event exactly once.
  void check_projections(runtime& node, const journal_fold& f) {
    ASSERT_EQ(node.gateway().projections().size(), 4u) << "the runtime runs the four projections";
    ASSERT_TRUE(node.gateway().await_position(f.last_position, std::chrono::seconds(60)))
        << "the projections did not catch up with position " << f.last_position;
    for (auto& info : node.gateway().projections()) {
      EXPECT_EQ(info.position, f.last_position) << info.name;
      EXPECT_EQ(info.last_error, "") << info.name;
    }
    auto& kv = node.context().db->kv();
    for (auto name : {"order_summary", "orders_by_customer", "stats"}) {
      auto at = readmodel::load_checkpoint(kv, name);
      ASSERT_TRUE(at) << at.error().message;
      EXPECT_EQ(at->position, f.last_position) << name;
    }
    std::map<std::string, std::int64_t> by_status;
    std::map<std::string, std::set<std::string>> by_customer;
    for (auto& [id, s] : f.orders) {
      SCOPED_TRACE("order " + id);
      std::int64_t units = 0;
      for (auto& item : s.items) units += item.quantity;
      ++by_status[std::string(order::to_string(s.status))];
      by_customer[s.customer_id].insert(id);
      auto summary = readmodel::get_order_summary(kv, id);
      ASSERT_TRUE(summary && *summary) << "no summary";
      auto& row = **summary;
      EXPECT_EQ(row["version"], f.versions.at("order-" + id));
      EXPECT_EQ(row["status"], order::to_string(s.status));
      EXPECT_EQ(row["customer_id"], s.customer_id);
      EXPECT_EQ(row["item_count"], units);
      EXPECT_EQ(row["total_cents"], order::total_cents(s.items));
    }
    auto stats = readmodel::get_stats(kv);
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ((*stats)["position"], f.last_position);
    for (auto& [status, count] : (*stats)["orders_by_status"].items())
      EXPECT_EQ(count, by_status[status]) << "stats count of " << status;
    auto listed = [&](std::optional<std::string> customer) {
      std::map<std::string, std::uint64_t> versions;
      readmodel::order_list_query query{.customer_id = customer,
                                        .limit = readmodel::max_list_limit};
      for (;;) {
        auto page = readmodel::list_orders(kv, query);
        EXPECT_TRUE(page) << page.error().message;
        if (!page) break;
        for (auto& row : page->orders)
          EXPECT_TRUE(versions.emplace(row["order_id"], row["version"]).second)
              << "listed twice: " << row;
        if (!page->next) break;
        query.after = page->next;
      }
      return versions;
    };
    EXPECT_EQ(listed(std::nullopt).size(), f.orders.size());
    for (auto& [customer, ids] : by_customer) {
      auto versions = listed(customer);
      std::set<std::string> listed_ids;
      for (auto& [id, version] : versions) {
        listed_ids.insert(id);
        EXPECT_EQ(version, f.versions.at("order-" + id)) << "orders_by_customer row of " << id;
      }
      EXPECT_EQ(listed_ids, ids) << "orders of customer " << customer;
    }
  }

  void verify(int round) {
    SCOPED_TRACE("check after round " + std::to_string(round));
    auto opened = persistence::database::open(
        {.path = dir_.string(), .sync = persistence::sync_mode::always});
    ASSERT_TRUE(opened) << opened.error().message;
    auto& db = **opened;
    auto f = fold_journal(db);
    check_acks(f);
    runtime_settings settings;
    settings.run_sagas = false;  // the child confirms and rejects orders itself
    runtime node(db, settings);
    check_aggregates(node.gateway(), f);
    check_projections(node, f);
    std::printf(
        "round %2d: %zu acknowledged commands checked; journal: %llu events, %zu orders, %zu "
        "skus\n",
        round, acks_.size(), static_cast<unsigned long long>(f.events), f.orders.size(),
        f.stocks.size());
  }

  unsigned seed_ = 0;
  std::mt19937 rng_;
  std::filesystem::path dir_;
  std::map<std::string, ack> acks_;  // by command id
  std::map<std::string, std::size_t> acks_by_kind_;
};

TEST_F(RuntimeCrash, AcknowledgedCommandsSurviveSigkillAndProjectionsCountEachEventOnce) {
  std::uniform_int_distribution<int> run_ms(100, 600);
  int rounds_with_acks = 0;
  for (int round = 1; round <= rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const auto before = acks_.size();
    auto out = ordo::testing::run_and_kill({ORDO_RUNTIME_CRASH_CHILD_PATH, dir_.string(),
                                            std::to_string(seed_) + "r" + std::to_string(round)},
                                           milliseconds(run_ms(rng_)), "ready", ready_timeout)
                   .out;
    record_acks(out);
    if (HasFatalFailure() || HasFailure()) return;
    if (acks_.size() > before) ++rounds_with_acks;
    if (std::find(intermediate_checks.begin(), intermediate_checks.end(), round) !=
            intermediate_checks.end() ||
        round == rounds)
      verify(round);
    if (HasFailure()) return;
  }
  std::printf(
      "%d rounds (%d with acknowledgements): %zu create, %zu add_item, %zu restock, %zu "
      "place/cancel\n",
      rounds, rounds_with_acks, acks_by_kind_["create"], acks_by_kind_["add"],
      acks_by_kind_["restock"], acks_by_kind_["status"]);
  EXPECT_GE(rounds_with_acks, rounds / 2) << "the child hardly got anything done before the kills";
  EXPECT_GT(acks_by_kind_["add"], 100u);
}

}  // namespace
}  // namespace ordo::actors::crash
