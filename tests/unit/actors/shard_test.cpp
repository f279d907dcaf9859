// What a shard keeps alive and how fast it answers: reads of aggregates that were never written
// spawn nothing (issue 12, finding 13), and an aggregate whose recovery fails is answered at once
// (finding 17).
#include <gtest/gtest.h>

#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

using namespace std::chrono_literals;

class Shard : public runtime_fixture {
 protected:
  std::uint64_t live() { return node().context().stats.aggregates_live.load(); }
};

TEST_F(Shard, ReadsOfIdsThatWereNeverWrittenKeepNoAggregateAlive) {
  start();
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  auto before = live();
  for (int i = 0; i < 2000; ++i) {
    auto id = "unknown-" + std::to_string(i);
    auto read = gate().query("order", id);
    ASSERT_EQ(read.code, outcome::not_found) << id;
    EXPECT_EQ(read.message, "order " + id + " does not exist");
  }
  EXPECT_FALSE(gate().inspect("stock", "unknown").has_value());
  EXPECT_EQ(gate().snapshot("payment", "unknown").code, outcome::not_found);
  EXPECT_EQ(live(), before);
  EXPECT_EQ(gate().query("order", "o1").code, outcome::ok);  // a written one is still read
}

TEST_F(Shard, AnAggregateWhoseRecoveryFailsIsAnsweredAtOnce) {
  // A command timeout far beyond "at once": an answer that waits for it is the bug.
  start({.command_timeout_ms = 30'000});
  persistence::append_request bad{"order-broken", persistence::expected_version::any(), {}, {}};
  bad.events.push_back({"NoSuchEvent", 1, 0, "", "", "", "{}"});
  ASSERT_TRUE(db().events().append(std::move(bad)));

  auto started = std::chrono::steady_clock::now();
  auto command =
      run("order", "broken", "add_item", {{"sku", "a"}, {"quantity", 1}, {"unit_price_cents", 1}});
  auto read = gate().query("order", "broken");
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(command.code, outcome::unavailable) << command.message;
  EXPECT_EQ(read.code, outcome::unavailable) << read.message;
  EXPECT_LT(waited, 10s);
}

}  // namespace
}  // namespace ordo::actors::testing
