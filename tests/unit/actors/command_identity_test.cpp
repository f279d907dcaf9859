// Command ids at the aggregate: a remembered entry answers only for its own full id, client
// (Idempotency-Key) outcomes are durable for the key TTL whatever happens in between, and a
// repeated client command gets its first reply exactly.
#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "actors/command_ids.hpp"
#include "readmodel/aggregate_codec.hpp"
#include "readmodel/remembered_commands.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t t0 = 1'700'000'000'000;

class CommandIdentity : public runtime_fixture {
 protected:
  command_reply send(const std::string& type, const std::string& id, const std::string& command,
                     json body, std::string command_id, std::int64_t issued_at_ms = t0) {
    command_envelope e;
    e.aggregate_type = type;
    e.aggregate_id = id;
    e.command = command;
    e.body = body.dump();
    e.command_id = std::move(command_id);
    e.issued_at_ms = issued_at_ms;
    return gate().send(std::move(e));
  }
  std::int64_t on_hand(const std::string& sku) { return state_of("stock", sku)["on_hand"]; }
  std::int64_t reserved(const std::string& sku) { return state_of("stock", sku)["reserved"]; }
};

TEST_F(CommandIdentity, AHashOnlyEntryOfAnOldSnapshotDoesNotAnswerASagaReservation) {
  // Plant what today's format remembers, a 64-bit hash, for exactly the saga's reservation id
  // (what a forged Idempotency-Key with a colliding hash leaves behind): the reservation must
  // still be made.
  start();
  const std::string reserve_id = "saga-o1:reserving:reserve:s1";
  ASSERT_TRUE(send("stock", "s1", "restock", {{"quantity", 11}}, "").ok());
  domain::stock::state state{};
  state.on_hand = 11;
  json old{{"state", domain::stock_decider::save_state(state)},
           {"remembered", nlohmann::json::array({nlohmann::json::array(
                              {readmodel::legacy_command_id_hash(reserve_id), 1u, 0u, 0u})})}};
  ASSERT_TRUE(db().snapshots().save(
      {"stock-s1", 1, domain::stock_decider::snapshot_schema, t0, old.dump()}));
  start();  // recovers from that snapshot
  auto reply = send("stock", "s1", "reserve", {{"order_id", "o1"}, {"quantity", 10}}, reserve_id);
  EXPECT_TRUE(reply.ok()) << reply.code << " " << reply.message;
  EXPECT_FALSE(reply.duplicate);
  EXPECT_EQ(reserved("s1"), 10);
}

TEST_F(CommandIdentity, AnOldSnapshotStillKnowsTheCommandsWhoseEventsItCanFind) {
  start();
  const std::string restock_id = "saga-o1:restock-like";
  auto first = send("stock", "s1", "restock", {{"quantity", 5}}, restock_id);
  ASSERT_TRUE(first.ok());
  domain::stock::state state{};
  state.on_hand = 5;
  json old{{"state", domain::stock_decider::save_state(state)},
           {"remembered",
            nlohmann::json::array({nlohmann::json::array(
                {readmodel::legacy_command_id_hash(restock_id), 1u, first.position, 0u})})}};
  ASSERT_TRUE(db().snapshots().save(
      {"stock-s1", 1, domain::stock_decider::snapshot_schema, t0, old.dump()}));
  start();
  auto again = send("stock", "s1", "restock", {{"quantity", 5}}, restock_id);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(on_hand("s1"), 5);
}

TEST_F(CommandIdentity, AKeyedRestockAppliesOnceAfterAThousandOtherKeyedRestocks) {
  start();
  auto first = send("stock", "s1", "restock", {{"quantity", 5}}, client_command_id("first"));
  ASSERT_TRUE(first.ok());
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(send("stock", "s1", "restock", {{"quantity", 1}},
                     client_command_id("other-" + std::to_string(i)))
                    .ok());
  auto check_retry = [&] {
    auto retry = send("stock", "s1", "restock", {{"quantity", 5}}, client_command_id("first"));
    EXPECT_TRUE(retry.ok());
    EXPECT_TRUE(retry.duplicate);
    // Its first reply exactly: the version, position and state it answered then.
    EXPECT_EQ(retry.version, first.version);
    EXPECT_EQ(retry.position, first.position);
    EXPECT_EQ(retry.state, first.state);
    EXPECT_EQ(on_hand("s1"), 1005);
  };
  check_retry();
  EXPECT_TRUE(gate().passivate("stock", "s1"));
  check_retry();
  start();  // a restart
  check_retry();
}

TEST_F(CommandIdentity, AKeyedRejectionIsAnsweredExactlyAgainAfterEvictionAndRestart) {
  start({.remembered_command_ids = 2});
  ASSERT_TRUE(send("order", "o1", "create", {{"customer_id", "c1"}}, "").ok());
  auto first =
      send("order", "o1", "add_item", {{"sku", "s"}, {"quantity", 0}, {"unit_price_cents", 1}},
           client_command_id("bad"));
  ASSERT_EQ(first.code, outcome::validation_failed);
  ASSERT_FALSE(first.fields.empty());
  auto place = send("order", "o1", "ship", json::object(), client_command_id("ship"));
  ASSERT_EQ(place.code, outcome::invalid_state);
  ASSERT_FALSE(place.status.empty());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(send("order", "o1", "add_item",
                     {{"sku", "s"}, {"quantity", 1}, {"unit_price_cents", 1}},
                     client_command_id("add-" + std::to_string(i)))
                    .ok());
  start({.remembered_command_ids = 2});
  auto again =
      send("order", "o1", "add_item", {{"sku", "s"}, {"quantity", 0}, {"unit_price_cents", 1}},
           client_command_id("bad"));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.code, first.code);
  EXPECT_EQ(again.message, first.message);
  EXPECT_EQ(again.fields, first.fields);
  EXPECT_EQ(again.version, first.version);
  auto ship_again = send("order", "o1", "ship", json::object(), client_command_id("ship"));
  EXPECT_TRUE(ship_again.duplicate);
  EXPECT_EQ(ship_again.code, outcome::invalid_state);
  EXPECT_EQ(ship_again.status, place.status);
  EXPECT_EQ(ship_again.message, place.message);
}

TEST_F(CommandIdentity, AKeyReusedAfterItsTtlRunsAgainAsNew) {
  start({.client_command_ttl_ms = 1000});
  ASSERT_TRUE(send("stock", "s1", "restock", {{"quantity", 5}}, client_command_id("k"), t0).ok());
  EXPECT_TRUE(send("stock", "s1", "restock", {{"quantity", 5}}, client_command_id("k"), t0 + 999)
                  .duplicate);
  EXPECT_EQ(on_hand("s1"), 5);
  auto later = send("stock", "s1", "restock", {{"quantity", 5}}, client_command_id("k"), t0 + 1000);
  EXPECT_TRUE(later.ok());
  EXPECT_FALSE(later.duplicate);
  EXPECT_EQ(on_hand("s1"), 10);
  // And that new run is remembered in its turn, also by a recovered aggregate.
  start({.client_command_ttl_ms = 1000});
  EXPECT_TRUE(send("stock", "s1", "restock", {{"quantity", 5}}, client_command_id("k"), t0 + 1500)
                  .duplicate);
  EXPECT_EQ(on_hand("s1"), 10);
}

TEST_F(CommandIdentity, TwoKeysInOneAppendAreTwoCommandsTheSameKeyTwiceIsOne) {
  start();
  ASSERT_TRUE(send("stock", "s1", "restock", {{"quantity", 1}}, "").ok());
  std::vector<std::future<command_reply>> replies;
  for (auto key : {"a", "b", "a", "b", "a"})
    replies.push_back(std::async(std::launch::async, [this, key] {
      return send("stock", "s1", "restock", {{"quantity", 1}}, client_command_id(key));
    }));
  int applied = 0;
  for (auto& r : replies) {
    auto reply = r.get();
    EXPECT_TRUE(reply.ok());
    if (!reply.duplicate) ++applied;
  }
  EXPECT_EQ(applied, 2);
  EXPECT_EQ(on_hand("s1"), 3);
}

}  // namespace
}  // namespace ordo::actors::testing
