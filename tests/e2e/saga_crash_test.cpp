// Sagas survive kill -9 at any moment: a load of placed orders with mixed payment tokens (and
// some shipments) runs while the node is killed again and again; after the last restart every
// saga finishes, no order stays placed, and for every sku the stock agrees with the orders:
// reserved = the units of its confirmed orders, on_hand = restocked - the units of its shipped
// orders.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr int rounds = 10;
constexpr int skus = 4;
constexpr int restocked_each = 40;  // scarce: some orders run out of stock
const std::vector<std::string> tokens{"tok_ok", "tok_ok", "tok_ok", "tok_decline", "tok_hang"};

std::string sku_name(int i) {
  return "crash-sku-" + std::to_string(i);
}

// One client's load until `running` turns false: create, place, and ship some confirmed orders.
void load(int port, int client, int round, std::atomic<bool>& running,
          std::vector<std::string>& created, std::atomic<int>& progress) {
  api_client api(port);
  std::mt19937 rng(static_cast<unsigned>(round * 100 + client));
  for (int n = 0; running; ++n) {
    auto id = "r" + std::to_string(round) + "-c" + std::to_string(client) + "-" + std::to_string(n);
    json items = json::array();
    int first = static_cast<int>(rng() % skus);
    int count = 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < count; ++k)
      items.push_back({{"sku", sku_name((first + k) % skus)},
                       {"quantity", 1 + static_cast<int>(rng() % 2)},
                       {"unit_price_cents", 100}});
    auto r = api.post("/v1/orders", {{"order_id", id}, {"customer_id", "c"}, {"items", items}});
    if (r.status != 201) continue;
    created.push_back(id);
    ++progress;
    api.post("/v1/orders/" + id + "/place", {{"payment_token", tokens[rng() % tokens.size()]}});
    // Ship an earlier order of this client now and then (only confirmed ones can ship).
    if (n % 3 == 2 && created.size() > 2)
      api.post("/v1/orders/" + created[created.size() - 3] + "/ship", json::object());
  }
}

TEST(SagaCrash, EverySagaFinishesAndStockAgreesWithOrdersAfterKills) {
  auto dir = fresh_data_dir("saga-crash");
  std::vector<std::string> env{"ORDO_SAGAS_STEP_TIMEOUT_MS=500"};
  {
    node_process node(dir, {}, env);
    api_client api(node.port());
    for (int i = 0; i < skus; ++i)
      ASSERT_EQ(
          api.post("/v1/inventory/" + sku_name(i) + "/restock", {{"quantity", restocked_each}})
              .status,
          200);
    EXPECT_EQ(node.stop(), 0);
  }
  std::vector<std::vector<std::string>> created;
  std::mt19937 rng(20261123);
  for (int round = 0; round < rounds; ++round) {
    node_process node(dir, {}, env);
    std::atomic<bool> running{true};
    constexpr int clients = 4;
    std::vector<std::vector<std::string>> ids(clients);
    std::vector<std::thread> threads;
    std::atomic<int> progress{0};
    for (int c = 0; c < clients; ++c)
      threads.emplace_back(load, node.port(), c, round, std::ref(running), std::ref(ids[c]),
                           std::ref(progress));
    // The kill lands at a random moment after the load has begun (the first order created), not
    // after a fixed time: a slow node (a sanitizer build) would otherwise die before any order.
    auto started = std::chrono::steady_clock::now() + 60s;
    while (progress == 0 && std::chrono::steady_clock::now() < started)
      std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 600));
    node.kill_hard();
    running = false;
    for (auto& t : threads) t.join();
    for (auto& v : ids) created.push_back(std::move(v));
  }

  node_process node(dir, {}, env);
  api_client api(node.port());
  std::map<std::string, int> reserved_by_orders, shipped_by_orders;
  std::map<std::string, int> statuses;
  for (auto& ids : created) {
    for (auto& id : ids) {
      // Every saga finishes: the 500 ms step deadlines have all passed within this wait.
      json order;
      auto until = std::chrono::steady_clock::now() + 60s;
      do {
        order = api.get("/v1/orders/" + id).json();
        if (order["status"] != "placed") break;
        std::this_thread::sleep_for(20ms);
      } while (std::chrono::steady_clock::now() < until);
      ASSERT_NE(order["status"], "placed") << id << " stayed placed";
      ++statuses[order["status"].get<std::string>()];
      for (auto& item : order["items"]) {
        auto sku = item["sku"].get<std::string>();
        if (order["status"] == "confirmed") reserved_by_orders[sku] += item["quantity"].get<int>();
        if (order["status"] == "shipped") shipped_by_orders[sku] += item["quantity"].get<int>();
      }
    }
  }
  EXPECT_GT(statuses["confirmed"] + statuses["shipped"], 0);
  EXPECT_GT(statuses["rejected"], 0);
  // Compensation and shipping run after the order's own status changed: wait for the stock.
  for (int i = 0; i < skus; ++i) {
    auto sku = sku_name(i);
    json stock;
    auto until = std::chrono::steady_clock::now() + 60s;
    do {
      stock = api.get("/v1/inventory/" + sku).json();
      if (stock["reserved"] == reserved_by_orders[sku] &&
          stock["on_hand"] == restocked_each - shipped_by_orders[sku])
        break;
      std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < until);
    EXPECT_EQ(stock["reserved"], reserved_by_orders[sku]) << sku;
    EXPECT_EQ(stock["on_hand"], restocked_each - shipped_by_orders[sku]) << sku;
    EXPECT_GE(stock["available"].get<int>(), 0) << sku;
  }
  // And no saga is left with work to do.
  auto active = api.get("/v1/inspect/sagas?status=active").json();
  auto until = std::chrono::steady_clock::now() + 60s;
  while (!active["sagas"].empty() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    active = api.get("/v1/inspect/sagas?status=active").json();
  }
  EXPECT_TRUE(active["sagas"].empty()) << active.dump();
  EXPECT_EQ(node.stop(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ordo::e2e
