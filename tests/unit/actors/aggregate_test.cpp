// The aggregate runtime end to end in one process: gateway -> shard -> aggregate -> journal.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

using nlohmann::json;

json item(const std::string& sku, int quantity, int price = 100) {
  return {{"sku", sku}, {"quantity", quantity}, {"unit_price_cents", price}};
}

class Aggregate : public runtime_fixture {};

TEST_F(Aggregate, CreateThenAddItemsAnswersWithTheNewStateAndVersion) {
  start();
  auto created = run("order", "o1", "create", {{"customer_id", "c1"}});
  ASSERT_TRUE(created.ok()) << created.code << " " << created.message;
  EXPECT_EQ(created.version, 1u);
  auto added = run("order", "o1", "add_item", item("sku-1", 2, 250));
  ASSERT_TRUE(added.ok()) << added.message;
  EXPECT_EQ(added.version, 2u);
  EXPECT_GT(added.position, created.position);
  auto state = json::parse(added.state);
  EXPECT_EQ(state["status"], "draft");
  EXPECT_EQ(state["total_cents"], 500);
  EXPECT_EQ(state["version"], 2);
  EXPECT_EQ(state_of("order", "o1"), state);
}

TEST_F(Aggregate, RendersTheStateOnlyForCallersThatAskForItAndOtherwiseNamesTheStatus) {
  start();
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  command_envelope e;
  e.aggregate_type = "order";
  e.aggregate_id = "o1";
  e.command = "add_item";
  e.body = item("sku-1", 1).dump();
  e.issued_at_ms = 1'700'000'000'000;
  auto without = gate().send(e);  // reply_with_state is false by default (a saga's step)
  ASSERT_TRUE(without.ok()) << without.code << " " << without.message;
  EXPECT_EQ(without.version, 2u);
  EXPECT_TRUE(without.state.empty());
  EXPECT_EQ(without.status, "draft");
  e.reply_with_state = true;
  e.body = item("sku-2", 1).dump();
  auto with = gate().send(e);
  ASSERT_TRUE(with.ok()) << with.code;
  EXPECT_EQ(json::parse(with.state), state_of("order", "o1"));
  EXPECT_EQ(json::parse(with.state)["items"].size(), 2u);
}

TEST_F(Aggregate, UnknownOrderIsNotFoundAndWritesNothing) {
  start();
  auto reply = run("order", "nope", "add_item", item("s", 1));
  EXPECT_EQ(reply.code, outcome::not_found);
  EXPECT_EQ(gate().query("order", "nope").code, outcome::not_found);
  EXPECT_EQ(db().events().last_position(), 0u);
}

TEST_F(Aggregate, DomainRejectionCarriesTheStatus) {
  start();
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  auto reply = run("order", "o1", "ship");
  EXPECT_EQ(reply.code, outcome::invalid_state);
  EXPECT_EQ(reply.status, "draft");
}

TEST_F(Aggregate, ValidationNamesTheField) {
  start();
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  auto reply = run("order", "o1", "add_item", item("s", 0));
  EXPECT_EQ(reply.code, outcome::validation_failed);
  ASSERT_FALSE(reply.fields.empty());
  EXPECT_EQ(reply.fields[0].field, "quantity");
}

TEST_F(Aggregate, DuplicateCommandIdGetsTheFirstAnswerAndAppendsNothing) {
  start();
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  auto first = run("order", "o1", "add_item", item("s", 1), "cmd-1");
  ASSERT_TRUE(first.ok());
  auto again = run("order", "o1", "add_item", item("s", 1), "cmd-1");
  EXPECT_TRUE(again.ok());
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.version, first.version);
  EXPECT_EQ(*db().events().highest_version("order-o1"), 2u);
}

TEST_F(Aggregate, DuplicateDetectionSurvivesPassivationAndRestart) {
  start({.snapshot_every = 2});
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}, "c-0").ok());
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(run("order", "o1", "add_item", item("s", 1), "c-" + std::to_string(i)).ok());
  EXPECT_TRUE(gate().passivate("order", "o1"));
  EXPECT_TRUE(run("order", "o1", "add_item", item("s", 1), "c-3").duplicate);
  start();
  auto again = run("order", "o1", "add_item", item("s", 1), "c-5");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.version, 6u);
  EXPECT_EQ(*db().events().highest_version("order-o1"), 6u);
}

TEST_F(Aggregate, ExpectedVersionMismatchIsAConflictWithTheActualVersion) {
  start();
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  auto reply = run("order", "o1", "add_item", item("s", 1), {}, 7);
  EXPECT_EQ(reply.code, outcome::version_conflict);
  EXPECT_EQ(reply.version, 1u);
  EXPECT_TRUE(run("order", "o1", "add_item", item("s", 1), {}, 1).ok());
}

TEST_F(Aggregate, SixtyFourConcurrentWritersOnOneOrderLoseNoUpdate) {
  start({}, persistence::sync_mode::always);
  ASSERT_TRUE(run("order", "hot", "create", {{"customer_id", "c1"}}).ok());
  constexpr int writers = 64;
  constexpr int per_writer = 20;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < per_writer; ++i) {
        // A reply that does not come in time (a slow machine, a sanitizer build) leaves the
        // outcome open: like any client, ask again with the same command id until it is known.
        auto id = "w" + std::to_string(w) + "-" + std::to_string(i);
        auto reply = run("order", "hot", "add_item", item("sku-" + std::to_string(w % 50), 1), id);
        while (reply.code == outcome::unavailable)
          reply = run("order", "hot", "add_item", item("sku-" + std::to_string(w % 50), 1), id);
        if (reply.ok()) ++acknowledged;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto state = state_of("order", "hot");
  int quantity = 0;
  for (auto& it : state["items"]) quantity += it["quantity"].get<int>();
  EXPECT_EQ(quantity, acknowledged.load());
  EXPECT_EQ(acknowledged.load(), writers * per_writer);
  auto events = db().events().read("order-hot");
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), static_cast<std::size_t>(1 + acknowledged.load()));
  for (std::size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].version, i + 1);
}

TEST_F(Aggregate, TenThousandAggregatesWithSmallMaxLiveAllKeepTheirState) {
  start({.max_live = 256, .shards = 8});
  constexpr int orders = 10'000;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < orders; i += 8) {
        auto id = "o" + std::to_string(i);
        if (!run("order", id, "create", {{"customer_id", "c"}}).ok()) ++failures;
        if (!run("order", id, "add_item", item("s", i % 7 + 1)).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(node().context().stats.passivated.load(), 0u);
  EXPECT_LE(node().context().stats.aggregates_live.load(), 256u + 8u);
  for (int i = 0; i < orders; i += 97) {
    auto state = state_of("order", "o" + std::to_string(i));
    ASSERT_FALSE(state.is_null());
    EXPECT_EQ(state["items"][0]["quantity"], i % 7 + 1);
    EXPECT_EQ(state["version"], 2);
  }
}

TEST_F(Aggregate, RecoveryThroughSnapshotAndTailEqualsRecoveryFromEventsAlone) {
  start({.snapshot_every = 10});
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  for (int i = 0; i < 54; ++i) ASSERT_TRUE(run("order", "o1", "add_item", item("s" + std::to_string(i % 30), 1)).ok());
  auto live = state_of("order", "o1");
  start({.snapshot_every = 10});  // restart: recovers from the latest snapshot plus the tail
  EXPECT_EQ(state_of("order", "o1"), live);
  auto snapshot = db().snapshots().load_latest("order-o1");
  ASSERT_TRUE(snapshot && *snapshot);
  EXPECT_GE((*snapshot)->version, 50u);
  ASSERT_TRUE(db().snapshots().remove_matching("order-o1", {}));
  start();
  EXPECT_EQ(state_of("order", "o1"), live);  // from events alone
}

TEST_F(Aggregate, CorruptLatestSnapshotFallsBackToAnOlderOneOrTheEvents) {
  start({.snapshot_every = 5, .snapshots_keep = 5});
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(run("order", "o1", "add_item", item("s", 1)).ok());
  auto live = state_of("order", "o1");
  stop();
  {
    auto db = persistence::database::open({.path = dir_.string()});
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->snapshots().save({"order-o1", 13, 1, 0, "{not json"}));
  }
  start();
  EXPECT_EQ(state_of("order", "o1"), live);
}

TEST_F(Aggregate, JournalFailureAnswersStorageUnavailableAndStateStaysWhatIsDurable) {
  start();
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  ASSERT_TRUE(run("order", "o1", "add_item", item("a", 1)).ok());
  auto durable = state_of("order", "o1");
  std::atomic<bool> failing{true};
  db().events().set_write_fault([&] { return failing.load(); });
  EXPECT_EQ(run("order", "o1", "add_item", item("b", 1)).code, outcome::storage_unavailable);
  EXPECT_EQ(state_of("order", "o1"), durable);
  failing = false;
  auto after = run("order", "o1", "add_item", item("c", 1));
  ASSERT_TRUE(after.ok()) << after.message;
  EXPECT_EQ(after.version, 3u);
}

TEST_F(Aggregate, AWriteThatMayBeDurableAnswersOutcomeUnknownAndTheJournalThenRefuses) {
  start();
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  std::atomic<bool> failing{true};
  db().events().set_write_fault([&] { return failing.load(); },
                                persistence::storage_errc::outcome_unknown);
  EXPECT_EQ(run("order", "o1", "add_item", item("b", 1)).code, outcome::outcome_unknown);
  failing = false;
  // Until a restart tells what the failed sync left, nothing more is written (nothing applied).
  EXPECT_EQ(run("order", "o1", "add_item", item("c", 1)).code, outcome::storage_unavailable);
  EXPECT_TRUE(db().events().write_failure());
}

}  // namespace
}  // namespace ordo::actors::testing
