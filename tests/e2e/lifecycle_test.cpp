// An order's whole life over HTTP against the real binary, inventory, events with replay bounds,
// history, and the read side with a consistency token.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;

class Lifecycle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_data_dir("lifecycle");
    node_ = std::make_unique<node_process>(dir_);
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(node_->stop(), 0);
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  api_client client() { return api_client(node_->port()); }

  static inline std::filesystem::path dir_;
  static inline std::unique_ptr<node_process> node_;
};

TEST_F(Lifecycle, OrderFromDraftToPlacedAndCancelled) {
  auto api = client();
  auto created = api.post(
      "/v1/orders",
      {{"customer_id", "c1"},
       {"order_id", "life-1"},
       {"shipping", {{"name", "Ada"}, {"email", "ada@example.com"}, {"address", "1 Loop Rd"}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("Location"), "/v1/orders/life-1");
  EXPECT_EQ(created.header("ETag"), "\"1\"");
  EXPECT_EQ(created.json()["status"], "draft");
  EXPECT_EQ(created.json()["shipping"]["name"], "Ada");

  auto add = [&](const std::string& sku, int quantity, int price) {
    return api.post("/v1/orders/life-1/items",
                    {{"sku", sku}, {"quantity", quantity}, {"unit_price_cents", price}});
  };
  ASSERT_EQ(add("sku-a", 2, 500).status, 200);
  ASSERT_EQ(add("sku-b", 1, 250).status, 200);
  auto merged = add("sku-a", 3, 500);
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.json()["items"][0]["quantity"], 5);
  EXPECT_EQ(add("sku-a", 1, 999).status, 409);  // same sku, another price

  auto removed = api.call("DELETE", "/v1/orders/life-1/items/sku-b");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(removed.json()["items"].size(), 1u);
  EXPECT_EQ(removed.json()["total_cents"], 2500);
  EXPECT_EQ(removed.header("ETag"), "\"5\"");

  // Stock and a hanging payment keep the saga waiting (5 s) while the order is placed.
  ASSERT_EQ(api.post("/v1/inventory/sku-a/restock", {{"quantity", 10}}).status, 200);
  auto placed = api.post("/v1/orders/life-1/place", {{"payment_token", "tok_hang"}});
  ASSERT_EQ(placed.status, 202) << placed.body;
  EXPECT_EQ(placed.json()["status"], "placed");

  auto shipped = api.post("/v1/orders/life-1/ship", json::object());
  EXPECT_EQ(shipped.status, 409);
  EXPECT_EQ(shipped.json()["code"], "invalid_state");
  EXPECT_EQ(shipped.json()["aggregate_status"], "placed");

  auto cancelled = api.post("/v1/orders/life-1/cancel", {{"reason", "changed my mind"}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["status"], "cancelled");
  EXPECT_EQ(cancelled.json()["reason"], "changed my mind");

  auto got = api.get("/v1/orders/life-1");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json(), cancelled.json());
  EXPECT_EQ(got.header("ETag"), "\"7\"");
}

TEST_F(Lifecycle, CreateWithoutOrderIdGetsOne) {
  auto api = client();
  auto created = api.post(
      "/v1/orders",
      {{"customer_id", "c2"},
       {"items", json::array({{{"sku", "s1"}, {"quantity", 1}, {"unit_price_cents", 100}}})}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = created.json()["order_id"].get<std::string>();
  EXPECT_EQ(created.header("Location"), "/v1/orders/" + id);
  EXPECT_EQ(api.get("/v1/orders/" + id).json()["total_cents"], 100);
}

TEST_F(Lifecycle, InventoryRestockAndRead) {
  auto api = client();
  EXPECT_EQ(api.get("/v1/inventory/never-stocked").status, 404);
  ASSERT_EQ(api.post("/v1/inventory/widget/restock", {{"quantity", 10}}).status, 200);
  auto second = api.post("/v1/inventory/widget/restock", {{"quantity", 5}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(
      second.json(),
      (json{
          {"sku", "widget"}, {"on_hand", 15}, {"reserved", 0}, {"available", 15}, {"version", 2}}));
  auto got = api.get("/v1/inventory/widget");
  EXPECT_EQ(got.json(), second.json());
  EXPECT_EQ(got.header("ETag"), "\"2\"");
  EXPECT_EQ(api.post("/v1/inventory/widget/restock", {{"quantity", 0}}).status, 400);
}

TEST_F(Lifecycle, EventsHonourTheReplayBounds) {
  auto api = client();
  ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c3"}, {"order_id", "ev-1"}},
                     {{"X-Request-Id", "req-ev"}})
                .status,
            201);
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(
        api.post("/v1/orders/ev-1/items",
                 {{"sku", "s" + std::to_string(i)}, {"quantity", 1}, {"unit_price_cents", 10}})
            .status,
        200);
  auto all = api.get("/v1/orders/ev-1/events");
  ASSERT_EQ(all.status, 200);
  auto body = all.json();
  EXPECT_EQ(body["highest_version"], 5);
  ASSERT_EQ(body["events"].size(), 5u);
  auto first = body["events"][0];
  EXPECT_EQ(first["stream"], "order-ev-1");
  EXPECT_EQ(first["version"], 1);
  EXPECT_EQ(first["type"], "OrderCreated");
  EXPECT_EQ(first["correlation_id"], "req-ev");
  EXPECT_EQ(first["data"]["customer_id"], "c3");
  for (auto key : {"position", "schema_version", "timestamp", "causation_id", "command_id"})
    EXPECT_TRUE(first.contains(key)) << key;

  auto versions = [&](const std::string& query) {
    std::vector<int> v;
    auto page = api.get("/v1/orders/ev-1/events" + query).json();
    EXPECT_EQ(page["highest_version"], 5) << query;
    for (auto& e : page["events"]) v.push_back(e["version"].get<int>());
    return v;
  };
  EXPECT_EQ(versions("?from=2&to=3"), (std::vector<int>{2, 3}));
  EXPECT_EQ(versions("?from=4"), (std::vector<int>{4, 5}));
  EXPECT_EQ(versions("?limit=2"), (std::vector<int>{1, 2}));
  EXPECT_EQ(versions("?limit=0"), std::vector<int>{});
  EXPECT_EQ(versions("?from=4&to=2"), std::vector<int>{});
  EXPECT_EQ(versions("?from=9"), std::vector<int>{});
  EXPECT_EQ(api.get("/v1/orders/ev-1/events?limit=10001").status, 400);
  EXPECT_EQ(api.get("/v1/orders/no-such-order/events").status, 404);
}

TEST_F(Lifecycle, HistoryByVersionAndByTime) {
  auto api = client();
  ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c4"}, {"order_id", "hist-1"}}).status, 201);
  ASSERT_EQ(
      api.post("/v1/orders/hist-1/items", {{"sku", "s"}, {"quantity", 2}, {"unit_price_cents", 10}})
          .status,
      200);
  ASSERT_EQ(
      api.post("/v1/orders/hist-1/items", {{"sku", "s"}, {"quantity", 3}, {"unit_price_cents", 10}})
          .status,
      200);

  auto v2 = api.get("/v1/orders/hist-1/history?version=2");
  ASSERT_EQ(v2.status, 200) << v2.body;
  EXPECT_EQ(v2.json()["version"], 2);
  EXPECT_EQ(v2.json()["items"][0]["quantity"], 2);

  auto events = api.get("/v1/orders/hist-1/events").json()["events"];
  auto at = events[1]["timestamp"].get<std::string>();
  auto by_time = api.get("/v1/orders/hist-1/history?at=" + at);
  ASSERT_EQ(by_time.status, 200) << by_time.body;
  EXPECT_GE(by_time.json()["version"].get<int>(), 2);

  EXPECT_EQ(api.get("/v1/orders/hist-1/history?at=2000-01-01T00:00:00Z").status, 404);
  EXPECT_EQ(api.get("/v1/orders/hist-1/history?version=9").status, 404);
  EXPECT_EQ(api.get("/v1/orders/hist-1/history").status, 400);
  EXPECT_EQ(api.get("/v1/orders/hist-1/history?at=yesterday").status, 400);
  EXPECT_EQ(api.get("/v1/orders/hist-1/history?version=1&at=2000-01-01T00:00:00Z").status, 400);
}

TEST_F(Lifecycle, ViewsReadTheirWritesWithTheConsistencyToken) {
  auto api = client();
  auto created = api.post("/v1/orders", {{"customer_id", "view-c"}, {"order_id", "view-1"}});
  ASSERT_EQ(created.status, 201);
  auto token = created.header("X-Consistency-Token");
  ASSERT_FALSE(token.empty());
  auto summary = api.get("/v1/views/orders/view-1", {{"X-Consistency-Token", token}});
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_EQ(summary.json()["customer_id"], "view-c");
  EXPECT_EQ(summary.json()["status"], "draft");

  auto listed = api.get("/v1/views/orders?customer_id=view-c", {{"X-Consistency-Token", token}});
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["orders"].size(), 1u);
  EXPECT_TRUE(listed.json()["next"].is_null());

  auto stats = api.get("/v1/views/stats", {{"X-Consistency-Token", token}});
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_GE(stats.json()["orders_by_status"]["draft"].get<int>(), 1);
  EXPECT_EQ(api.get("/v1/views/orders?limit=0").status, 400);
  EXPECT_EQ(api.get("/v1/views/orders/nothing-here").status, 404);
}

}  // namespace
}  // namespace ordo::e2e
