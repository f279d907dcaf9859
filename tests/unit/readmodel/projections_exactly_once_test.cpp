// Exactly once across crashes: rows and checkpoint commit together, a restarted projection goes
// on from its checkpoint, and events delivered again change nothing.
#include <gtest/gtest.h>

#include "projections_support.hpp"
#include "readmodel/projections/order_stats.hpp"
#include "readmodel/projections/order_summary.hpp"
#include "readmodel/projections/orders_by_customer.hpp"
#include "readmodel/view_queries.hpp"

namespace ordo::readmodel::testing {
namespace {

using nlohmann::json;

class ProjectionExactlyOnce : public projection_db_test {
 protected:
  // Three orders through most transitions, written to the journal.
  void write_history() {
    order_history history;
    for (auto id : {"o1", "o2", "o3"}) {
      history.create(id, "c1");
      history.add_item(id, "apple", 2, 250);
      history.place(id);
    }
    history.confirm("o1");
    history.ship("o1");
    history.confirm("o2");
    history.cancel("o3", order::order_status::placed);
    append_to(db_->events(), history.take());
  }

  std::vector<persistence::recorded_event> journal_from(
      std::uint64_t position, std::uint64_t max = persistence::unbounded) {
    auto events = db_->events().read_all(position, max);
    EXPECT_TRUE(events) << events.error().message;
    return events ? *events : std::vector<persistence::recorded_event>{};
  }

  // Everything the three views show.
  json views() {
    auto all = list_orders(kv(), {.limit = max_list_limit});
    auto mine = list_orders(kv(), {.customer_id = "c1", .limit = max_list_limit});
    auto figures = get_stats(kv());
    EXPECT_TRUE(all && mine && figures);
    return {{"all", all->to_json()}, {"c1", mine->to_json()}, {"stats", *figures}};
  }

  static const json& expected_stats() {
    static const json figures{{"orders_by_status",
                               {{"draft", 0},
                                {"placed", 0},
                                {"confirmed", 1},
                                {"shipped", 1},
                                {"cancelled", 1},
                                {"rejected", 0}}},
                              {"confirmed_revenue_cents", 1000},
                              {"position", 13}};
    return figures;
  }
};

TEST_F(ProjectionExactlyOnce, RowsAndCheckpointCommitTogether) {
  write_history();
  projections::order_stats stats;
  auto committed = apply_and_commit(stats, kv(), journal_from(1, 4), 0);
  ASSERT_TRUE(committed) << committed.error().message;
  EXPECT_EQ(*committed, 4u);
  EXPECT_EQ(load_checkpoint(kv(), "stats")->position, 4u);
  EXPECT_EQ((*get_stats(kv()))["position"], 4);
}

TEST_F(ProjectionExactlyOnce, ARestartedProjectionGoesOnFromItsCheckpoint) {
  write_history();
  {
    // Before the "crash": the first five events are applied and committed.
    projections::order_summary summary;
    projections::orders_by_customer by_customer;
    projections::order_stats stats;
    for (projection* view : std::initializer_list<projection*>{&summary, &by_customer, &stats})
      ASSERT_TRUE(apply_and_commit(*view, kv(), journal_from(1, 5), 0));
  }
  // After: fresh projections read their checkpoint and the journal from there; the journal
  // reader hands out everything again from 1 to check that nothing is applied twice.
  projections::order_summary summary;
  projections::orders_by_customer by_customer;
  projections::order_stats stats;
  for (projection* view : std::initializer_list<projection*>{&summary, &by_customer, &stats}) {
    auto at = load_checkpoint(kv(), view->name());
    ASSERT_TRUE(at);
    EXPECT_EQ(at->position, 5u);
    ASSERT_TRUE(apply_and_commit(*view, kv(), journal_from(1), at->position));
  }
  EXPECT_EQ(views()["stats"], expected_stats());
  EXPECT_EQ((*get_order_summary(kv(), "o1"))->at("version"), 5);
  EXPECT_EQ((*get_order_summary(kv(), "o1"))->at("item_count"), 2);
}

TEST_F(ProjectionExactlyOnce, EventsDeliveredAgainChangeNoView) {
  write_history();
  projections::order_summary summary;
  projections::orders_by_customer by_customer;
  projections::order_stats stats;
  for (projection* view : std::initializer_list<projection*>{&summary, &by_customer, &stats})
    feed(*view, journal_from(1));
  auto before = views();
  EXPECT_EQ(before["stats"], expected_stats());
  // As if the checkpoint had been lost but the rows kept: the per-order versions still guard.
  for (projection* view : std::initializer_list<projection*>{&summary, &by_customer, &stats})
    ASSERT_TRUE(apply_and_commit(*view, kv(), journal_from(1), 0));
  EXPECT_EQ(views()["all"], before["all"]);
  EXPECT_EQ(views()["c1"], before["c1"]);
  EXPECT_EQ(views()["stats"]["orders_by_status"], before["stats"]["orders_by_status"]);
  EXPECT_EQ(views()["stats"]["confirmed_revenue_cents"], 1000);
}

TEST_F(ProjectionExactlyOnce, AFailedBatchWritesNothing) {
  order_history history;
  history.create("o1", "c1");
  auto events = history.take();
  persistence::recorded_event unreadable = events.front();
  unreadable.type = "OrderTeleported";
  unreadable.version = 2;
  unreadable.position = 2;
  events.push_back(unreadable);
  projections::order_summary summary;
  auto committed = apply_and_commit(summary, kv(), events, 0);
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error().code, persistence::storage_errc::corrupt);
  EXPECT_EQ(committed.error().stream, "order-o1");
  EXPECT_EQ(committed.error().position, 2u);
  EXPECT_TRUE(kv().scan("", {}, 10)->empty());
}

TEST_F(ProjectionExactlyOnce, CheckpointsReadBackAsWritten) {
  EXPECT_EQ(*load_checkpoint(kv(), "stats"), (checkpoint{0, false}));
  ASSERT_TRUE(kv().put("checkpoint/stats", "18446744073709551615"));
  EXPECT_EQ(load_checkpoint(kv(), "stats")->position, 18446744073709551615u);
  ASSERT_TRUE(kv().put("checkpoint/stats", std::string(clearing_marker)));
  EXPECT_EQ(*load_checkpoint(kv(), "stats"), (checkpoint{0, true}));
  for (auto bad : {"", "12x", "-1", "99999999999999999999"}) {
    ASSERT_TRUE(kv().put("checkpoint/stats", bad));
    auto at = load_checkpoint(kv(), "stats");
    ASSERT_FALSE(at) << bad;
    EXPECT_EQ(at.error().code, persistence::storage_errc::corrupt);
  }
}

TEST_F(ProjectionExactlyOnce, RowBatchReadsItsOwnPendingWrites) {
  ASSERT_TRUE(kv().put("view/t/a", "stored"));
  ASSERT_TRUE(kv().put("view/t/b", "stored"));
  row_batch rows(kv(), "view/t/");
  rows.put("view/t/a", "pending");
  rows.erase("view/t/b");
  rows.put("view/t/c", "first");
  rows.put("view/t/c", "second");
  EXPECT_EQ(*rows.get("view/t/a"), std::optional<std::string>("pending"));
  EXPECT_EQ(*rows.get("view/t/b"), std::nullopt);
  EXPECT_EQ(*rows.get("view/t/c"), std::optional<std::string>("second"));
  EXPECT_EQ(*kv().get("view/t/a"), std::optional<std::string>("stored"));  // nothing written yet
  auto writes = rows.take_writes();
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_EQ(writes[2], (persistence::kv_write{"view/t/c", "second"}));
  EXPECT_TRUE(rows.empty());
}

}  // namespace
}  // namespace ordo::readmodel::testing
