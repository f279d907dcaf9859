// The 503/504 split (docs/API.md), as the issue reproduced it: a disk whose sync takes longer than
// the gateway's reply deadline. The command reached its aggregate, so the node cannot say it was
// not applied: 504 outcome_unknown, and a retry under the same Idempotency-Key applies it once.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "node_process.hpp"
#include "slow_disk.hpp"

namespace ordo::e2e {
namespace {

// The gateway answers a command its aggregate has not answered within 5 s (command_timeout_ms).
constexpr auto sync_slower_than_the_reply_deadline = std::chrono::milliseconds(7000);

TEST(OutcomeUnknown, ACommandStillBeingWrittenIs504AndARetryWithItsKeyAppliesItOnce) {
  auto dir = fresh_data_dir("outcome-unknown");
  slow_disk disk(dir.string() + "-disk");
  node_process node(dir, {}, disk.env());
  api_client api(node.port());
  ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c"}, {"order_id", "slow"}}).status, 201);

  disk.slow_down(sync_slower_than_the_reply_deadline);
  const httplib::Headers key{{"Idempotency-Key", "slow-add"}};
  const nlohmann::json item{{"sku", "s1"}, {"quantity", 2}, {"unit_price_cents", 100}};
  auto first = api.post("/v1/orders/slow/items", item, key);
  disk.restore();
  EXPECT_EQ(first.status, 504) << first.body;
  EXPECT_EQ(first.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(first.json()["code"], "outcome_unknown");
  EXPECT_EQ(first.header("Retry-After"), "1");
  EXPECT_NE(first.json()["detail"].get<std::string>().find("same Idempotency-Key"),
            std::string::npos)
      << first.body;

  // The write was under way: once the disk answers, the item is there.
  nlohmann::json order;
  for (int i = 0; i < 300; ++i) {
    order = api.get("/v1/orders/slow").json();
    if (!order["items"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(order["items"].size(), 1u) << order;
  EXPECT_EQ(order["items"][0]["quantity"], 2);

  // The retry the 504 invites adds nothing more.
  auto retry = api.post("/v1/orders/slow/items", item, key);
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.json()["items"][0]["quantity"], 2);
  EXPECT_EQ(api.get("/v1/orders/slow/events").json()["highest_version"], 2);
  EXPECT_EQ(node.stop(), 0);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir.string() + "-disk");
}

}  // namespace
}  // namespace ordo::e2e
