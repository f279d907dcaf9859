// What a client was told stays true: no lost update under concurrent clients, everything after a
// graceful restart, and every acknowledged command after `kill -9` in the middle of a load.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include "node_process.hpp"
#include "slow_disk.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;

class Durability : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fresh_data_dir("durability"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(Durability, ConcurrentClientsOnOneOrderLoseNoUpdate) {
  node_process node(dir_);
  ASSERT_EQ(api_client(node.port())
                .post("/v1/orders", {{"customer_id", "c"}, {"order_id", "hot"}})
                .status,
            201);
  constexpr int clients = 16;
  constexpr int adds_each = 25;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      api_client api(node.port());
      for (int i = 0; i < adds_each; ++i) {
        int quantity = 1 + (t + i) % 3;
        auto r = api.post("/v1/orders/hot/items",
                          {{"sku", "shared"}, {"quantity", quantity}, {"unit_price_cents", 7}});
        if (r.status == 200) acknowledged += quantity;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto order = api_client(node.port()).get("/v1/orders/hot").json();
  EXPECT_GT(acknowledged.load(), 0);
  EXPECT_EQ(order["items"][0]["quantity"].get<int>(), acknowledged.load());
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(Durability, GracefulRestartKeepsEverything) {
  json before;
  {
    node_process node(dir_);
    api_client api(node.port());
    ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c"}, {"order_id", "keep"}}).status, 201);
    ASSERT_EQ(
        api.post("/v1/orders/keep/items", {{"sku", "s"}, {"quantity", 4}, {"unit_price_cents", 3}})
            .status,
        200);
    ASSERT_EQ(api.post("/v1/inventory/keep-sku/restock", {{"quantity", 9}}).status, 200);
    ASSERT_EQ(
        api.post("/v1/orders", {{"customer_id", "c"}}, {{"Idempotency-Key", "restart-key"}}).status,
        201);
    before = api.get("/v1/orders/keep").json();
    EXPECT_EQ(node.stop(), 0);
  }
  node_process node(dir_);
  api_client api(node.port());
  EXPECT_EQ(api.get("/v1/orders/keep").json(), before);
  EXPECT_EQ(api.get("/v1/inventory/keep-sku").json()["on_hand"], 9);
  EXPECT_EQ(api.get("/v1/orders/keep/events").json()["events"].size(), 2u);
  // Idempotency keys are durable too.
  auto replay =
      api.post("/v1/orders", {{"customer_id", "c"}}, {{"Idempotency-Key", "restart-key"}});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(Durability, SigtermAnswersTheRequestsInFlightThenExitsZero) {
  slow_disk disk(dir_.string() + "-disk");
  node_process node(dir_, {}, disk.env());
  // A command that waits for a slow journal sync (several of them take less than the gateway's
  // 5 s deadline); the stop comes once the node counts it in flight. The disk is fast again
  // once the command is answered, so that the shutdown's own syncs do not wait.
  disk.slow_down(std::chrono::milliseconds(1200));
  auto in_flight = std::async(std::launch::async, [&] {
    auto r = api_client(node.port()).post("/v1/inventory/sigterm/restock", {{"quantity", 2}});
    disk.restore();
    return r;
  });
  api_client inspect(node.port());
  while (inspect.get("/v1/inspect/node").json()["gateway"]["in_flight"] == 0 &&
         in_flight.wait_for(std::chrono::milliseconds(5)) == std::future_status::timeout) {
  }
  EXPECT_EQ(node.stop(), 0);
  auto answer = in_flight.get();
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.json()["on_hand"], 2);
  node_process again(dir_);
  EXPECT_EQ(api_client(again.port()).get("/v1/inventory/sigterm").json()["on_hand"], 2);
  std::filesystem::remove_all(dir_.string() + "-disk");
}

TEST_F(Durability, KillNineLosesNoAcknowledgedCommand) {
  constexpr int writers = 4;
  std::vector<std::vector<std::string>> created(writers);
  std::atomic<int> restocks_acknowledged{0};
  std::atomic<int> restocks_sent{0};
  std::atomic<int> orders_acknowledged{0};
  {
    node_process node(dir_);
    std::atomic<bool> running{true};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        api_client api(node.port());
        for (int i = 0; running; ++i) {
          auto id = "k" + std::to_string(w) + "-" + std::to_string(i);
          if (api.post("/v1/orders", {{"customer_id", "c"}, {"order_id", id}}).status == 201) {
            created[w].push_back(id);
            ++orders_acknowledged;
          }
          ++restocks_sent;
          if (api.post("/v1/inventory/crash-sku/restock", {{"quantity", 1}}).status == 200)
            ++restocks_acknowledged;
        }
      });
    }
    // Kill it in the middle of the load, once some of each kind are acknowledged (a slow machine
    // or a sanitizer build may take long for the first ones; the bound only ends a stuck run).
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while ((orders_acknowledged < 20 || restocks_acknowledged < 20) &&
           std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    node.kill_hard();
    running = false;
    for (auto& t : threads) t.join();
  }
  node_process node(dir_);
  api_client api(node.port());
  std::size_t checked = 0;
  for (auto& ids : created) {
    for (auto& id : ids) {
      ASSERT_EQ(api.get("/v1/orders/" + id).status, 200) << id << " was acknowledged but is gone";
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
  auto on_hand = api.get("/v1/inventory/crash-sku").json()["on_hand"].get<int>();
  EXPECT_GE(on_hand, restocks_acknowledged.load());
  EXPECT_LE(on_hand, restocks_sent.load());
  EXPECT_EQ(node.stop(), 0);
}

}  // namespace
}  // namespace ordo::e2e
