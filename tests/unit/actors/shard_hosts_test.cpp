// A node runs its shards on a few shard actors (runtime_settings::shard_hosts): shard i goes to
// host i mod hosts, every index still routes to the host that owns its aggregates, inspection
// lists each live aggregate once, and the hosts share aggregates.max_live.
#include <gtest/gtest.h>

#include <set>

#include "actors/shard.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

class ShardHosts : public runtime_fixture {
 protected:
  std::set<shard_actor> distinct_shard_actors() {
    return {node().shards().begin(), node().shards().end()};
  }
};

TEST_F(ShardHosts, TheShardsGoRoundRobinToTheHosts) {
  start({.shards = 8, .shard_hosts = 3});
  EXPECT_EQ(node().context().shard_hosts, 3u);
  EXPECT_EQ(node().context().local_shards, 8u);
  const auto& shards = node().shards();
  ASSERT_EQ(shards.size(), 8u);
  EXPECT_EQ(distinct_shard_actors().size(), 3u);
  for (std::size_t i = 0; i < shards.size(); ++i) {
    EXPECT_TRUE(shards[i]) << i;
    EXPECT_EQ(shards[i], shards[i % 3]) << i;
  }
  EXPECT_NE(shards[0], shards[1]);
  EXPECT_NE(shards[1], shards[2]);
}

TEST_F(ShardHosts, ByDefaultOnePerWorkerThreadAndNeverMoreThanTheShards) {
  start({.shards = 8, .threads = 2});
  EXPECT_EQ(node().context().shard_hosts, 2u);
  EXPECT_EQ(distinct_shard_actors().size(), 2u);
  start({.shards = 1, .threads = 2});
  EXPECT_EQ(node().context().shard_hosts, 1u);
  start({.shards = 4, .shard_hosts = 16});
  EXPECT_EQ(node().context().shard_hosts, 4u);
  EXPECT_EQ(distinct_shard_actors().size(), 4u);
}

TEST_F(ShardHosts, CommandsReachTheirAggregatesAndInspectionListsEachOnce) {
  start({.shards = 8, .shard_hosts = 3});
  std::set<std::string> created;
  for (int i = 0; i < 40; ++i) {
    auto id = "o" + std::to_string(i);
    ASSERT_TRUE(run("order", id, "create", {{"customer_id", "c1"}}).ok()) << id;
    ASSERT_TRUE(
        run("order", id, "add_item", {{"sku", "s"}, {"quantity", 1}, {"unit_price_cents", 2}}).ok())
        << id;
    created.insert(id);
  }
  auto live = gate().inspect_live("order", 1000);
  std::multiset<std::string> listed;
  for (auto& info : live) listed.insert(info.aggregate_id);
  EXPECT_EQ(listed.size(), created.size());
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), created);
  for (auto& info : live) EXPECT_EQ(info.version, 2u) << info.aggregate_id;
  // Recovery after a restart finds the same state through the hosts.
  start({.shards = 8, .shard_hosts = 2});
  auto state = gate().query("order", "o17");
  ASSERT_TRUE(state.ok()) << state.message;
  EXPECT_EQ(state.version, 2u);
}

TEST_F(ShardHosts, TheHostsShareMaxLive) {
  start({.max_live = 6, .shards = 8, .shard_hosts = 3});
  for (int i = 0; i < 24; ++i)
    ASSERT_TRUE(run("order", "o" + std::to_string(i), "create", {{"customer_id", "c1"}}).ok());
  // Each host keeps at most its part (6 / 3); the others were passivated.
  EXPECT_LE(gate().inspect_live("order", 1000).size(), 6u);
  EXPECT_GE(node().context().stats.passivated.load(), 18u);
}

}  // namespace
}  // namespace ordo::actors::testing
