// The runtime's stand-in hook (the cluster's way in): a shard index the hook answers for gets the
// hook's actor instead of a shard, the gateway reaches it like a shard, and the runtime's shutdown
// stops an actor that stands in for several shards.
#include <gtest/gtest.h>

#include <map>

#include "actors/command_call.hpp"
#include "actors/messages.hpp"
#include "actors/shard.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

// Answers every gateway command "unavailable: stand-in" and quits on stop_atom.
caf::behavior fake_stand_in(caf::event_based_actor* self) {
  return {
      [](tracked_command& call) {
        if (call.reply.hand_over())
          call.reply.complete(make_reply(outcome::unavailable, "stand-in"));
      },
      [self](stop_atom) { self->quit(); },
  };
}

class RuntimeStandIn : public runtime_fixture {
 protected:
  // A runtime of four shards whose odd ones are one fake stand-in (stand_in_).
  void start_with_odd_stand_ins(runtime_settings settings) {
    auto opened =
        persistence::database::open({.path = dir_.string(), .sync = persistence::sync_mode::none});
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    settings.shards = 4;
    settings.run_sagas = false;
    node_ = std::make_unique<runtime>(
        *db_, settings, nullptr, [this](caf::actor_system& system, std::uint32_t index) {
          if (index % 2 == 0) return shard_actor{};
          // Untyped: it answers only what these tests send it.
          if (!stand_in_) stand_in_ = caf::actor_cast<shard_actor>(system.spawn(fake_stand_in));
          return stand_in_;
        });
  }

  shard_actor stand_in_;
};

TEST_F(RuntimeStandIn, OddShardsAreTheHooksActorAndShutdownStopsItOnce) {
  start_with_odd_stand_ins({});
  auto& shards = node().context().shards;
  ASSERT_EQ(shards.size(), 4u);
  EXPECT_EQ(shards[1], stand_in_);
  EXPECT_EQ(shards[3], stand_in_);
  EXPECT_NE(shards[0], stand_in_);
  EXPECT_NE(shards[2], stand_in_);

  for (int i = 0;; ++i) {
    auto id = "o" + std::to_string(i);
    if (shard_of("order", id, 4) % 2 == 0) continue;
    auto reply = run("order", id, "create", {{"customer_id", "c1"}});
    EXPECT_EQ(reply.code, outcome::unavailable);
    EXPECT_EQ(reply.message, "stand-in");
    break;
  }
  for (int i = 0;; ++i) {
    auto id = "o" + std::to_string(i);
    if (shard_of("order", id, 4) % 2 != 0) continue;
    EXPECT_TRUE(run("order", id, "create", {{"customer_id", "c1"}}).ok());
    break;
  }
  stand_in_ = nullptr;
  stop();  // returns: the stand-in is stopped like a shard
}

// A cluster member runs only its own shards: they share the node's whole max_live, not the part
// that all the shards would.
TEST_F(RuntimeStandIn, TheLocalShardsShareTheWholeMaxLive) {
  start_with_odd_stand_ins({.max_live = 8});
  EXPECT_EQ(node().context().local_shards, 2u);
  // Four orders in each local shard: within 8 / 2 per shard none is passivated (8 / 4 would
  // passivate two in each).
  std::map<std::uint32_t, int> per_shard;
  for (int i = 0; per_shard[0] < 4 || per_shard[2] < 4; ++i) {
    auto id = "o" + std::to_string(i);
    auto shard = shard_of("order", id, 4);
    if (shard % 2 != 0 || per_shard[shard] >= 4) continue;
    ++per_shard[shard];
    ASSERT_TRUE(run("order", id, "create", {{"customer_id", "c1"}}).ok());
  }
  EXPECT_EQ(node().context().stats.aggregates_live.load(), 8u);
  EXPECT_EQ(node().context().stats.passivated.load(), 0u);
  stand_in_ = nullptr;
  stop();
}

}  // namespace
}  // namespace ordo::actors::testing
