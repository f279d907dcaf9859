// The remembered-commands table and the durable command outcomes: full ids only, the client
// namespace, the key TTL, compact packed records, and readable old snapshots.
#include "readmodel/remembered_commands.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "actors/command_ids.hpp"
#include "actors/command_outcome_store.hpp"
#include "domain/deciders.hpp"
#include "readmodel/aggregate_codec.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors {
namespace {

using domain::stock_decider;
using readmodel::command_origin;
using readmodel::remembered_commands;
using readmodel::remembered_outcome;

constexpr std::int64_t t0 = 1'700'000'000'000;
constexpr std::int64_t day_ms = 24 * 3600 * 1000;

remembered_outcome internal(std::string id, std::uint64_t version) {
  return {std::move(id), command_origin::internal, outcome::ok, version, version * 10, t0};
}

TEST(RememberedCommands, MatchesOnlyTheFullId) {
  readmodel::remembered_commands table;
  table.remember(internal("saga-o1:reserving:reserve:s1", 3));
  EXPECT_TRUE(table.find("saga-o1:reserving:reserve:s1", t0, day_ms));
  EXPECT_FALSE(table.find("saga-o1:reserving:reserve:s2", t0, day_ms));  // same length
  EXPECT_FALSE(table.find("saga-o1:reserving:reserve:s", t0, day_ms));
  EXPECT_FALSE(table.find(client_command_id("saga-o1:reserving:reserve:s1"), t0, day_ms));
  EXPECT_FALSE(table.find("", t0, day_ms));
}

TEST(RememberedCommands, AnIdWithTheSameLegacyHashIsNotTheSameCommand) {
  // Today's snapshots hold FNV-1a hashes; a table entry planted under another id whose hash is
  // the target's must not answer for it. The table keeps ids, so only the id itself matches.
  const std::string target = "saga-o1:reserving:reserve:s1";
  readmodel::remembered_commands table;
  table.remember(internal("idem/forged", 1));
  ASSERT_NE(readmodel::legacy_command_id_hash("idem/forged"), 0u);
  EXPECT_FALSE(table.find(target, t0, day_ms));
}

TEST(CommandIds, ClientIdsLiveInTheirOwnNamespace) {
  EXPECT_EQ(client_command_id("k1"), "idem/k1");
  EXPECT_TRUE(is_client_command_id(client_command_id("saga-o1:start")));
  EXPECT_FALSE(is_client_command_id("saga-o1:start"));
  EXPECT_TRUE(is_valid_internal_command_id("saga-o1:reserving:reserve:s1"));
  EXPECT_FALSE(is_valid_internal_command_id("idem/k1"));
  EXPECT_FALSE(is_valid_internal_command_id(""));
}

TEST(RememberedCommands, KeepsTheNewestCapacityEntriesAndTheNewestMatch) {
  readmodel::remembered_commands table(3);
  for (std::uint64_t v = 1; v <= 5; ++v) table.remember(internal("c" + std::to_string(v), v));
  EXPECT_EQ(table.size(), 3u);
  EXPECT_FALSE(table.find("c1", t0, day_ms));
  EXPECT_FALSE(table.find("c2", t0, day_ms));
  EXPECT_EQ(table.find("c5", t0, day_ms)->version, 5u);
  table.remember(internal("c4", 9));
  EXPECT_EQ(table.find("c4", t0, day_ms)->version, 9u);
  ASSERT_EQ(table.entries().size(), 3u);
  EXPECT_EQ(table.entries().front().command_id, "c4");  // oldest first: c4 (v4), c5, c4 (v9)
}

TEST(RememberedCommands, ClientEntriesExpireAfterTheTtlInternalOnesDoNot) {
  remembered_commands table;
  table.remember({"idem/k", command_origin::client, outcome::ok, 1, 7, t0});
  table.remember(internal("saga-o1:start", 2));
  EXPECT_TRUE(table.find("idem/k", t0 + 999, 1000));
  EXPECT_FALSE(table.find("idem/k", t0 + 1000, 1000));
  EXPECT_TRUE(table.find("saga-o1:start", t0 + 10 * day_ms, 1000));
}

TEST(RememberedCommands, EncodesAndDecodesEveryField) {
  remembered_commands table(10);
  table.remember({"idem/k", command_origin::client, outcome::validation_failed, 0, 0, t0});
  table.remember({std::string(300, 'x'), command_origin::internal, outcome::overloaded,
                  1ull << 40, 1ull << 50, 0});
  remembered_commands copy(10);
  ASSERT_TRUE(copy.decode(table.encode()));
  EXPECT_EQ(copy.entries(), table.entries());
  // Explicit values: the persisted bytes of an entry never change meaning.
  EXPECT_EQ(static_cast<int>(outcome::ok), 0);
  EXPECT_EQ(static_cast<int>(outcome::overloaded), 8);
  EXPECT_EQ(static_cast<int>(command_origin::client), 2);
  EXPECT_EQ(table.encode()[0], 1);  // the table's version tag
}

TEST(RememberedCommands, RefusesDamagedOrUnknownBytes) {
  readmodel::remembered_commands table(10);
  table.remember(internal("c1", 1));
  auto bytes = table.encode();
  readmodel::remembered_commands copy(10);
  EXPECT_FALSE(copy.decode(bytes.substr(0, bytes.size() - 1)));
  EXPECT_FALSE(copy.decode(bytes + "x"));
  auto other_version = bytes;
  other_version[0] = 2;
  EXPECT_FALSE(copy.decode(other_version));
  auto bad_code = bytes;
  bad_code[3] = 99;  // tag, count, origin, code
  EXPECT_FALSE(copy.decode(bad_code));
  EXPECT_EQ(copy.size(), 0u);
}

TEST(RememberedCommands, StaysCompact) {
  readmodel::remembered_commands table(1000);
  for (int i = 0; i < 5000; ++i)
    table.remember({"idem/key-" + std::to_string(i), command_origin::client, outcome::ok,
                    static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(i), t0});
  table.shrink();
  EXPECT_EQ(table.size(), 1000u);
  // ~13-byte ids plus ~16 bytes of header and varints per entry, nothing allocated per entry.
  EXPECT_LE(table.bytes_held(), 1000u * 40);
  // An aggregate that never saw a command id carries no more than the table it replaced.
  EXPECT_LE(sizeof(readmodel::remembered_commands), 40u);
  readmodel::remembered_commands idle;
  idle.remember(internal("saga-o1:start", 1));
  idle.shrink();
  EXPECT_LE(idle.bytes_held(), 64u);
}

TEST(AggregateSnapshot, NewFormatRoundTripsStateAndTable) {
  domain::stock::state state{};
  state.on_hand = 11;
  readmodel::remembered_commands table(10);
  table.remember(internal("saga-o1:reserving:reserve:s1", 2));
  persistence::snapshot s{"stock-s1", 2, stock_decider::snapshot_schema, t0,
                          readmodel::encode_aggregate_snapshot<stock_decider>(state, table)};
  domain::stock::state loaded{};
  readmodel::remembered_commands loaded_table(10);
  std::vector<readmodel::legacy_remembered> legacy;
  ASSERT_TRUE(
      readmodel::decode_aggregate_snapshot<stock_decider>(s, loaded, loaded_table, &legacy));
  EXPECT_EQ(loaded.on_hand, 11);
  EXPECT_EQ(loaded_table.entries(), table.entries());
  EXPECT_TRUE(legacy.empty());
}

TEST(AggregateSnapshot, OldFormatLoadsItsStateAndHandsBackHashOnlyEntries) {
  domain::stock::state state{};
  state.on_hand = 11;
  nlohmann::json old{
      {"state", stock_decider::save_state(state)},
      {"remembered", nlohmann::json::array({nlohmann::json::array(
                         {readmodel::legacy_command_id_hash("saga-o1:start"), 1u, 5u, 0u})})}};
  persistence::snapshot s{"stock-s1", 1, stock_decider::snapshot_schema, t0, old.dump()};
  domain::stock::state loaded{};
  readmodel::remembered_commands table(10);
  table.remember(internal("stale", 1));
  std::vector<readmodel::legacy_remembered> legacy;
  ASSERT_TRUE(readmodel::decode_aggregate_snapshot<stock_decider>(s, loaded, table, &legacy));
  EXPECT_EQ(loaded.on_hand, 11);
  EXPECT_EQ(table.size(), 0u);  // a hash never matches a command by itself
  ASSERT_EQ(legacy.size(), 1u);
  EXPECT_EQ(legacy[0].id_hash, readmodel::legacy_command_id_hash("saga-o1:start"));
  EXPECT_EQ(legacy[0].position, 5u);
}

TEST(CommandOutcomeRecord, KeepsTheWholeReply) {
  command_reply reply;
  reply.code = outcome::validation_failed;
  reply.message = "quantity must be positive";
  reply.status = "draft";
  reply.fields = {{"quantity", "must be >= 1"}, {"sku", "bad"}};
  reply.version = 3;
  reply.state = R"({"x":1})";
  auto decoded = decode_command_outcome(encode_command_outcome(reply, t0, false));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->issued_at_ms, t0);
  EXPECT_EQ(decoded->reply, reply);
  auto bytes = encode_command_outcome(reply, t0, true);
  EXPECT_FALSE(decode_command_outcome(bytes.substr(0, bytes.size() - 2)));
  EXPECT_FALSE(decode_command_outcome(""));
}

class CommandOutcomeStore : public testing::runtime_fixture {};

TEST_F(CommandOutcomeStore, FindsFreshOutcomesAndSweepsWholeExpiredGenerations) {
  start();
  constexpr std::int64_t ttl = 1000;
  command_reply rejected;
  rejected.code = outcome::invalid_state;
  rejected.status = "shipped";
  auto write = [&](const std::string& id, std::int64_t at) {
    auto w = command_outcome_write("order-o1", id, rejected, at, ttl, false);
    ASSERT_TRUE(db().kv().write(std::span(&w, 1)));
  };
  write("idem/a", t0);
  write("idem/b", t0 + 1500);
  auto a = find_command_outcome(db(), "order-o1", "idem/a", t0 + 999, ttl);
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->reply.status, "shipped");
  EXPECT_FALSE(*find_command_outcome(db(), "order-o1", "idem/a", t0 + 1000, ttl));
  EXPECT_FALSE(*find_command_outcome(db(), "order-o2", "idem/a", t0 + 1, ttl));
  // Reusing "a" after its TTL writes a later generation; the sweep drops only what is stale.
  write("idem/a", t0 + 2500);
  auto cleared = expire_command_outcomes(db().kv(), t0 + 2600, ttl);
  ASSERT_TRUE(cleared);
  EXPECT_GE(*cleared, 1u);
  EXPECT_TRUE(*find_command_outcome(db(), "order-o1", "idem/a", t0 + 2600, ttl));
  EXPECT_TRUE(*find_command_outcome(db(), "order-o1", "idem/b", t0 + 2400, ttl));
  auto left = db().kv().scan(command_outcome_prefix, {}, 100);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->size(), 2u);
  ASSERT_TRUE(expire_command_outcomes(db().kv(), t0 + 10'000, ttl));
  EXPECT_TRUE(db().kv().scan(command_outcome_prefix, {}, 100)->empty());
}

}  // namespace
}  // namespace ordo::actors
