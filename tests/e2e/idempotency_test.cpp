// Idempotency-Key over the real binary: a key reused after its TTL runs again as new, and the
// background sweep deletes expired keys while 200 keyed requests per second come in.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

using namespace std::chrono_literals;

class Idempotency : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fresh_data_dir("idempotency"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

std::uint64_t keys_expired(api_client& api) {
  auto metrics = api.get("/metrics").body;
  const std::string name = "\nordo_idempotency_keys_expired_total ";
  auto at = metrics.find(name);
  if (at == std::string::npos) return 0;
  return std::stoull(metrics.substr(at + name.size()));
}

TEST_F(Idempotency, AKeyReusedAfterItsTtlRunsAgainAsNew) {
  node_process node(dir_, {}, {"ORDO_HTTP_IDEMPOTENCY_TTL_SECONDS=1"});
  api_client api(node.port());
  auto restock = [&] {
    return api.post("/v1/inventory/ttl-sku/restock", {{"quantity", 5}},
                    {{"Idempotency-Key", "ttl-key"}});
  };
  auto first = restock();
  ASSERT_EQ(first.status, 200) << first.body;
  auto started = std::chrono::steady_clock::now();
  // Within the TTL every retry is the first answer; once past it, the key runs as new once.
  response later;
  do {
    later = restock();
    ASSERT_EQ(later.status, 200) << later.body;
    if (later.header("Idempotent-Replayed") != "true") break;
    EXPECT_EQ(later.body, first.body);
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() - started < 30s);
  EXPECT_NE(later.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(later.json()["on_hand"], 10);
  EXPECT_EQ(api.get("/v1/inventory/ttl-sku").json()["on_hand"], 10);
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(Idempotency, TheSweepKeepsUpWithTwoHundredKeyedRequestsPerSecond) {
  node_process node(dir_, {}, {"ORDO_HTTP_IDEMPOTENCY_TTL_SECONDS=1", "ORDO_JOURNAL_SYNC=none"});
  constexpr int clients = 4;
  constexpr int per_client = 250;  // 1000 keyed requests at 200/s: 5 s
  constexpr auto interval = std::chrono::milliseconds(1000 * clients / 200);
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      api_client api(node.port());
      auto next = std::chrono::steady_clock::now();
      for (int i = 0; i < per_client; ++i) {
        auto r =
            api.post("/v1/inventory/sweep-" + std::to_string(c) + "/restock", {{"quantity", 1}},
                     {{"Idempotency-Key", "k-" + std::to_string(c) + "-" + std::to_string(i)}});
        if (r.status == 200) ++answered;
        next += interval;
        std::this_thread::sleep_until(next);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(answered.load(), clients * per_client);
  api_client api(node.port());
  // While the load ran, keys older than the TTL were already going (a generous bound: at 200/s
  // over 5 s with a 1 s TTL about 800 are due by the end).
  EXPECT_GE(keys_expired(api), static_cast<std::uint64_t>(clients * per_client / 4));
  // Every key expires one second after it was stored; the sweep must have deleted them all
  // soon after the load stops (the old sweep ran inside a request every 10 minutes).
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (keys_expired(api) < static_cast<std::uint64_t>(clients * per_client) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(keys_expired(api), static_cast<std::uint64_t>(clients * per_client));
  EXPECT_EQ(node.stop(), 0);
}

}  // namespace
}  // namespace ordo::e2e
