// How a node's runtime stops: the order in which its actors go is what lets it release the
// handles they share (the runtime context's snapshot writer and bus) without a data race.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <string>

#include "actors/messages.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

class Shutdown : public runtime_fixture {};

// The runtime releases the context's handles once its shards are down; an aggregate still
// running then (e.g. taking a snapshot) would read a handle while it is reset, a race that
// ThreadSanitizer cannot see through Debian's uninstrumented CAF.
TEST_F(Shutdown, AShardIsDownOnlyAfterEveryAggregateItSpawned) {
  runtime_settings settings;
  settings.shards = 2;
  start(settings);
  constexpr std::size_t aggregates = 200;
  for (std::size_t i = 0; i < aggregates; ++i)
    ASSERT_TRUE(run("order", "o" + std::to_string(i), "create", {{"customer_id", "c1"}}).ok());
  ASSERT_EQ(node().context().stats.aggregates_live.load(), aggregates);

  caf::scoped_actor self{node().system()};  // counted too: before the count
  auto& registry = node().system().registry();
  auto running_before = registry.running();
  for (auto& shard : node().shards()) {
    self->monitor(shard);
    self->send(shard, stop_atom::value);
  }
  for (std::size_t i = 0; i < node().shards().size(); ++i) self->receive([](caf::down_msg&) {});
  // An actor leaves the registry's count before its monitors hear of it.
  EXPECT_EQ(registry.running(), running_before - node().shards().size() - aggregates);
}

// A message that reaches a stopping shard is refused, not handed to a fresh aggregate that
// would outlive the shard.
TEST_F(Shutdown, AStoppingShardSpawnsNoAggregate) {
  runtime_settings settings;
  settings.shards = 1;
  start(settings);
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  caf::scoped_actor self{node().system()};
  auto shard = node().shards().front();
  self->monitor(shard);
  // Both in the shard's mailbox before it handles the stop: the query arrives while it stops.
  self->send(shard, stop_atom::value);
  self->request(shard, caf::infinite, query_atom::value, std::string("order"), std::string("o2"))
      .receive(
          [](command_reply& reply) { EXPECT_EQ(reply.code, outcome::unavailable) << reply.message; },
          [](caf::error&) { /* the shard was already gone: nothing was spawned either */ });
  self->receive([](caf::down_msg&) {});
  EXPECT_EQ(node().context().stats.aggregates_live.load(), 0u);
}

}  // namespace
}  // namespace ordo::actors::testing
