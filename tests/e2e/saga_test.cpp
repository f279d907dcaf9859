// The fulfillment saga over HTTP: `place` alone leads to confirmed or rejected with a reason, and
// stock stays consistent, also when 300 orders race for 100 units.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>
#include <vector>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class SagaApi : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fresh_data_dir("saga"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static void restock(api_client& api, const std::string& sku, int quantity) {
    ASSERT_EQ(api.post("/v1/inventory/" + sku + "/restock", {{"quantity", quantity}}).status, 200);
  }

  static void place(api_client& api, const std::string& id, const std::vector<std::string>& skus,
                    const std::string& token = "tok_ok", int quantity = 1) {
    json items = json::array();
    for (auto& sku : skus)
      items.push_back({{"sku", sku}, {"quantity", quantity}, {"unit_price_cents", 250}});
    auto created =
        api.post("/v1/orders", {{"order_id", id}, {"customer_id", "c"}, {"items", items}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto placed = api.post("/v1/orders/" + id + "/place", {{"payment_token", token}});
    ASSERT_EQ(placed.status, 202) << placed.body;
    EXPECT_EQ(placed.json()["status"], "placed");
  }

  // The order once it has left `placed` (the saga's doing), or as it is after `limit`.
  static json settled(api_client& api, const std::string& id,
                      std::chrono::milliseconds limit = 30s) {
    auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
      // Only an order answer says where the order stands; a 503 or 429 under load does not.
      auto r = api.get("/v1/orders/" + id);
      auto order = r.json();
      if ((r.status == 200 && order["status"] != "placed") ||
          std::chrono::steady_clock::now() > until)
        return order;
      std::this_thread::sleep_for(20ms);
    }
  }

  // Polls `path` until `done(json)` holds or the limit passes; returns the last body.
  template <class Pred>
  static json poll(api_client& api, const std::string& path, Pred done,
                   std::chrono::milliseconds limit = 30s) {
    auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
      auto body = api.get(path).json();
      if (done(body) || std::chrono::steady_clock::now() > until) return body;
      std::this_thread::sleep_for(20ms);
    }
  }

  std::filesystem::path dir_;
};

TEST_F(SagaApi, PlaceLeadsToConfirmedWithStockReservedAndPaymentAuthorized) {
  node_process node(dir_);
  api_client api(node.port());
  for (auto sku : {"s1", "s2", "s3"}) restock(api, sku, 10);
  place(api, "o1", {"s1", "s2", "s3"}, "tok_ok", 2);
  EXPECT_EQ(settled(api, "o1")["status"], "confirmed");
  for (auto sku : {"s1", "s2", "s3"}) {
    auto stock = api.get(std::string("/v1/inventory/") + sku).json();
    EXPECT_EQ(stock["reserved"], 2) << sku;
    EXPECT_EQ(stock["available"], 8) << sku;
  }
  auto payment = api.get("/v1/inspect/aggregates/payment/o1").json();
  EXPECT_EQ(payment["state"]["status"], "authorized");
  EXPECT_EQ(payment["state"]["amount_cents"], 3 * 2 * 250);
  auto sagas = poll(api, "/v1/inspect/sagas?status=finished",
                    [](const json& b) { return b["sagas"].size() == 1; });
  ASSERT_EQ(sagas["sagas"].size(), 1u) << sagas;
  EXPECT_EQ(sagas["sagas"][0]["saga_id"], "o1");
  EXPECT_EQ(sagas["sagas"][0]["order_id"], "o1");
  EXPECT_EQ(sagas["sagas"][0]["step"], "awaiting_shipment");
  EXPECT_EQ(sagas["sagas"][0]["deadline"], nullptr);
  EXPECT_TRUE(sagas["sagas"][0]["started_at"].is_string());
  auto metrics = api.get("/metrics").body;
  EXPECT_NE(metrics.find("ordo_sagas_finished_total{outcome=\"confirmed\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("ordo_sagas_active 0"), std::string::npos);
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(SagaApi, OneSkuOfThreeOutOfStockRejectsAndReleasesTheOthers) {
  node_process node(dir_);
  api_client api(node.port());
  restock(api, "s1", 10);
  restock(api, "s2", 1);
  restock(api, "s3", 10);
  place(api, "o1", {"s1", "s2", "s3"}, "tok_ok", 2);  // s2 has only 1
  auto order = settled(api, "o1");
  EXPECT_EQ(order["status"], "rejected");
  EXPECT_EQ(order["reason"], "out_of_stock");
  for (auto sku : {"s1", "s2", "s3"}) {
    auto stock = api.get(std::string("/v1/inventory/") + sku).json();
    EXPECT_EQ(stock["reserved"], 0) << sku;
  }
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(SagaApi, DeclinedCardRejects) {
  node_process node(dir_);
  api_client api(node.port());
  restock(api, "s1", 10);
  place(api, "o1", {"s1"}, "tok_decline");
  auto order = settled(api, "o1");
  EXPECT_EQ(order["status"], "rejected");
  EXPECT_EQ(order["reason"], "payment_declined");
  EXPECT_EQ(api.get("/v1/inventory/s1").json()["reserved"], 0);
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(SagaApi, HangingGatewayTimesOutWithTheConfiguredStepTimeout) {
  node_process node(dir_, {}, {"ORDO_SAGAS_STEP_TIMEOUT_MS=400"});
  api_client api(node.port());
  restock(api, "s1", 10);
  place(api, "o1", {"s1"}, "tok_hang");
  auto order = settled(api, "o1");
  EXPECT_EQ(order["status"], "rejected");
  EXPECT_EQ(order["reason"], "payment_timeout");
  EXPECT_EQ(api.get("/v1/inventory/s1").json()["reserved"], 0);
  auto payment = api.get("/v1/inspect/aggregates/payment/o1").json();
  EXPECT_EQ(payment["state"]["status"], "voided");
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(SagaApi, CancelWhilePlacedReleasesAndVoids) {
  node_process node(dir_);  // 5 s step timeout: the hanging payment keeps the saga waiting
  api_client api(node.port());
  restock(api, "s1", 10);
  place(api, "o1", {"s1"}, "tok_hang");
  // Wait until the saga holds stock and waits for the payment, then cancel.
  poll(api, "/v1/inventory/s1", [](const json& s) { return s["reserved"] == 1; });
  auto cancelled = api.post("/v1/orders/o1/cancel", {{"reason", "changed my mind"}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  auto stock = poll(api, "/v1/inventory/s1", [](const json& s) { return s["reserved"] == 0; });
  EXPECT_EQ(stock["reserved"], 0);
  auto payment = poll(api, "/v1/inspect/aggregates/payment/o1",
                      [](const json& p) { return p["state"]["status"] == "voided"; });
  EXPECT_EQ(payment["state"]["status"], "voided");
  EXPECT_EQ(api.get("/v1/orders/o1").json()["status"], "cancelled");
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(SagaApi, CancelAfterConfirmedReleasesAndVoids) {
  node_process node(dir_);
  api_client api(node.port());
  restock(api, "s1", 10);
  place(api, "o1", {"s1"});
  ASSERT_EQ(settled(api, "o1")["status"], "confirmed");
  ASSERT_EQ(api.post("/v1/orders/o1/cancel", json::object()).status, 200);
  auto stock = poll(api, "/v1/inventory/s1", [](const json& s) { return s["reserved"] == 0; });
  EXPECT_EQ(stock["reserved"], 0);
  EXPECT_EQ(stock["on_hand"], 10);
  auto payment = poll(api, "/v1/inspect/aggregates/payment/o1",
                      [](const json& p) { return p["state"]["status"] == "voided"; });
  EXPECT_EQ(payment["state"]["status"], "voided");
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(SagaApi, ShipTurnsTheReservationIntoAShipment) {
  node_process node(dir_);
  api_client api(node.port());
  restock(api, "s1", 10);
  place(api, "o1", {"s1"}, "tok_ok", 3);
  ASSERT_EQ(settled(api, "o1")["status"], "confirmed");
  auto shipped = api.post("/v1/orders/o1/ship", json::object());
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  auto stock = poll(api, "/v1/inventory/s1", [](const json& s) { return s["on_hand"] == 7; });
  EXPECT_EQ(stock["on_hand"], 7);
  EXPECT_EQ(stock["reserved"], 0);
  EXPECT_EQ(stock["available"], 7);
  auto payment = poll(api, "/v1/inspect/aggregates/payment/o1",
                      [](const json& p) { return p["state"]["status"] == "captured"; });
  EXPECT_EQ(payment["state"]["status"], "captured");
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(SagaApi, ThreeHundredOrdersRaceForOneHundredUnits) {
  node_process node(dir_);
  api_client api(node.port());
  restock(api, "hot", 100);
  constexpr int orders = 300;
  constexpr int clients = 12;
  // Create them all first, then place them all at once.
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t) {
      threads.emplace_back([&, t] {
        api_client c(node.port());
        for (int i = t; i < orders; i += clients) {
          auto id = "race-" + std::to_string(i);
          auto r =
              c.post("/v1/orders",
                     {{"order_id", id},
                      {"customer_id", "c"},
                      {"items", {{{"sku", "hot"}, {"quantity", 1}, {"unit_price_cents", 5}}}}});
          ASSERT_EQ(r.status, 201) << r.body;
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  std::atomic<bool> racing{true};
  std::atomic<int> negative_seen{0};
  std::thread watcher([&] {
    api_client c(node.port());
    while (racing) {
      // Only a stock answer says anything about the stock: under load a read may also time out
      // (status 0) or be refused (429), and those bodies have no numbers to check.
      auto r = c.get("/v1/inventory/hot");
      if (r.status != 200) continue;
      auto stock = r.json();
      if (stock["available"].get<int>() < 0 || stock["reserved"].get<int>() > 100) ++negative_seen;
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      api_client c(node.port());
      for (int i = t; i < orders; i += clients) {
        // A 503 leaves the outcome open (a loaded node, a sanitizer build): like any client, ask
        // again under the same Idempotency-Key, which the aggregate deduplicates.
        httplib::Headers key{{"Idempotency-Key", "place-race-" + std::to_string(i)}};
        auto path = "/v1/orders/race-" + std::to_string(i) + "/place";
        auto r = c.post(path, {{"payment_token", "tok_ok"}}, key);
        while (r.status == 503) r = c.post(path, {{"payment_token", "tok_ok"}}, key);
        EXPECT_EQ(r.status, 202) << r.body;
      }
    });
  }
  for (auto& t : threads) t.join();
  // Every order settles. How long 300 sagas take depends on the machine (minutes under
  // ThreadSanitizer), so the wait ends when all have settled or none has for 30 s.
  std::map<int, json> settled_orders;
  auto last_progress = std::chrono::steady_clock::now();
  while (settled_orders.size() < static_cast<std::size_t>(orders) &&
         std::chrono::steady_clock::now() - last_progress < 30s) {
    for (int i = 0; i < orders; ++i) {
      if (settled_orders.contains(i)) continue;
      auto r = api.get("/v1/orders/race-" + std::to_string(i));
      if (r.status != 200 || r.json()["status"] == "placed") continue;
      settled_orders[i] = r.json();
      last_progress = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(20ms);
  }
  int confirmed = 0, out_of_stock = 0;
  for (auto& [i, order] : settled_orders) {
    if (order["status"] == "confirmed") ++confirmed;
    if (order["status"] == "rejected" && order["reason"] == "out_of_stock") ++out_of_stock;
  }
  racing = false;
  watcher.join();
  EXPECT_EQ(confirmed, 100);
  EXPECT_EQ(out_of_stock, 200);
  EXPECT_EQ(negative_seen.load(), 0);
  auto stock = api.get("/v1/inventory/hot").json();
  EXPECT_EQ(stock["on_hand"], 100);
  EXPECT_EQ(stock["reserved"], 100);
  EXPECT_EQ(stock["available"], 0);
  EXPECT_EQ(node.stop(), 0);
}

}  // namespace
}  // namespace ordo::e2e
