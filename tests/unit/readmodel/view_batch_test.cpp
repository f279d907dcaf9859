// Several views in one batch (what the projector commits): each view takes the events after its
// own checkpoint, every row and checkpoint goes into one write, a failing view holds back no other;
// and view batches written without the WAL come back complete and exactly once after a crash.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <initializer_list>

#include "projections_support.hpp"
#include "readmodel/projection_rebuild.hpp"
#include "readmodel/projections/order_stats.hpp"
#include "readmodel/projections/order_summary.hpp"
#include "readmodel/projections/orders_by_customer.hpp"
#include "readmodel/view_queries.hpp"

namespace ordo::readmodel::testing {
namespace {

using nlohmann::json;

// Fails on every batch that holds an event of stream "order-bad".
class picky_view final : public projection {
 public:
  std::string_view name() const override { return "picky"; }
  std::string_view row_prefix() const override { return "view/picky/"; }
  persistence::result<void> apply(std::span<const decoded_event> events, row_batch& rows) override {
    for (auto& e : events) {
      if (e.recorded().stream == "order-bad")
        return persistence::storage_failure(persistence::storage_errc::corrupt, "bad order");
      rows.put("view/picky/" + e.recorded().stream, "seen");
    }
    return {};
  }
};

// `count` orders of customers c0..c2, each created, filled, placed and confirmed or rejected.
std::vector<persistence::recorded_event> orders(order_history& history, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    auto id = "o" + std::to_string(100 + i);
    history.create(id, "c" + std::to_string(i % 3));
    history.add_item(id, "apple", 1 + i % 2, 250);
    history.place(id);
    if (i % 2 == 0)
      history.confirm(id);
    else
      history.reject(id);
  }
  return history.take();
}

// Everything the three order views show.
json views(const persistence::kv_store& kv) {
  json out;
  out["all"] = list_orders(kv, {.limit = max_list_limit})->to_json();
  for (int c = 0; c < 3; ++c) {
    auto customer = "c" + std::to_string(c);
    out[customer] = list_orders(kv, {.customer_id = customer, .limit = max_list_limit})->to_json();
  }
  out["stats"] = *get_stats(kv);
  return out;
}

class ViewBatch : public projection_db_test {};

TEST_F(ViewBatch, OneWriteHoldsEveryViewsRowsAndCheckpointFromItsOwnPosition) {
  order_history history;
  auto events = orders(history, 0, 12);
  projections::order_summary summary;
  projections::orders_by_customer by_customer;
  projections::order_stats stats;
  // The views stand at different positions (as a data directory may leave them).
  auto third = events.size() / 3;
  ASSERT_TRUE(apply_and_commit(summary, kv(), std::span(events).first(2 * third), 0));
  ASSERT_TRUE(apply_and_commit(stats, kv(), std::span(events).first(third), 0));
  auto decoded = decode_events(events);
  std::vector<view_cursor> cursors{{&summary, events[2 * third - 1].position},
                                   {&by_customer, 0},
                                   {&stats, events[third - 1].position}};
  auto batch = apply_batch(cursors, kv(), decoded);
  ASSERT_TRUE(batch);
  for (auto& failure : batch->failures) EXPECT_FALSE(failure);
  for (auto position : batch->positions) EXPECT_EQ(position, events.back().position);
  int checkpoints = 0;
  for (auto& w : batch->writes) checkpoints += w.key.starts_with("checkpoint/");
  EXPECT_EQ(checkpoints, 3);
  EXPECT_TRUE(std::ranges::is_sorted(batch->writes, {}, &persistence::kv_write::key));
  ASSERT_TRUE(commit_batch(kv(), *batch, view_logging::no_wal));

  // The same views built one at a time from the whole journal.
  auto reference_dir = fresh_temp_dir("reference");
  {
    auto reference = persistence::database::open({.path = reference_dir.string()});
    ASSERT_TRUE(reference);
    projections::order_summary s;
    projections::orders_by_customer b;
    projections::order_stats t;
    for (projection* view : std::initializer_list<projection*>{&s, &b, &t})
      ASSERT_TRUE(apply_and_commit(*view, (*reference)->kv(), events, 0));
    EXPECT_EQ(views(kv()), views((*reference)->kv()));
  }
  std::filesystem::remove_all(reference_dir);
  EXPECT_EQ(views(kv())["stats"]["orders_by_status"]["confirmed"], 6);  // counted once
}

TEST_F(ViewBatch, AFailingViewHoldsBackNoOther) {
  order_history history;
  history.create("bad", "c1");
  auto events = orders(history, 0, 2);
  projections::order_summary summary;
  picky_view picky;
  auto decoded = decode_events(events);
  std::vector<view_cursor> cursors{{&summary, 0}, {&picky, 0}};
  auto batch = apply_batch(cursors, kv(), decoded);
  ASSERT_TRUE(batch);
  EXPECT_FALSE(batch->failures[0]);
  ASSERT_TRUE(batch->failures[1]);
  EXPECT_EQ(batch->failures[1]->message, "bad order");
  EXPECT_EQ(batch->positions[0], events.back().position);
  EXPECT_EQ(batch->positions[1], 0u);
  for (auto& w : batch->writes) {
    EXPECT_FALSE(w.key.starts_with("view/picky/")) << w.key;
    EXPECT_NE(w.key, checkpoint_key("picky"));
  }
}

TEST_F(ViewBatch, AnEventIsDecodedOnceForAllViews) {
  order_history history;
  auto events = orders(history, 0, 1);
  decoded_event decoded(events.front());
  ASSERT_TRUE(decoded.order_id());
  EXPECT_EQ(*decoded.order_id(), "o100");
  const auto* first = &decoded.order_event();
  EXPECT_EQ(first, &decoded.order_event());  // the same decoded value, not a second decode
  ASSERT_TRUE(*first);
  EXPECT_TRUE(std::holds_alternative<domain::order::order_created>(**first));
}

// The shared order row: orders_by_customer keeps an empty index entry per order, and its listing
// shows order_summary's summary of each order.
TEST_F(ViewBatch, OrdersByCustomerKeepsOnlyIndexEntries) {
  order_history history;
  auto events = orders(history, 0, 6);
  projections::order_summary summary;
  projections::orders_by_customer by_customer;
  ASSERT_TRUE(apply_and_commit(summary, kv(), events, 0));
  ASSERT_TRUE(apply_and_commit(by_customer, kv(), events, 0));
  auto rows = kv().scan(projections::orders_by_customer::prefix, {}, 1000);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 6u);  // one entry per order, no state rows
  for (auto& [key, value] : *rows) EXPECT_EQ(value, "") << key;
  auto page = list_orders(kv(), {.customer_id = "c1"});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->orders.size(), 2u);
  for (auto& listed : page->orders)
    EXPECT_EQ(listed, **get_order_summary(kv(), listed["order_id"].get<std::string>()));
  // An entry whose order order_summary has not applied yet is left out, not an error.
  ASSERT_TRUE(kv().put(projections::orders_by_customer::index_key("c1", "o999"), ""));
  EXPECT_EQ(list_orders(kv(), {.customer_id = "c1"})->orders.size(), 2u);
}

TEST_F(ViewBatch, OrdersByCustomerRowsOfEarlierVersionsAskForARebuild) {
  projections::orders_by_customer by_customer;
  EXPECT_FALSE(*by_customer.needs_rebuild(kv()));
  ASSERT_TRUE(kv().put(projections::orders_by_customer::index_key("c1", "o1"), "{}"));
  EXPECT_FALSE(*by_customer.needs_rebuild(kv()));
  ASSERT_TRUE(kv().put("view/orders_by_customer/#order/o1", R"({"order":{}})"));
  EXPECT_TRUE(*by_customer.needs_rebuild(kv()));
}

// A child process writes the journal (with the WAL) and the views without it, then a record with
// the WAL after them (as an idempotency record would be), and ends without closing the database:
// a crash. The views it wrote are gone, rows and checkpoints alike; the WAL record and the journal
// are there; applying the journal from the checkpoints gives the views exactly once.
TEST(ViewsWithoutWal, ACrashLosesRowsAndCheckpointTogetherAndTheyComeBackExactlyOnce) {
  auto dir = fresh_temp_dir("nowal");
  order_history history;
  auto events = orders(history, 0, 30);
  auto half = events.size() / 2;
  {  // Half the journal applied and closed cleanly: that survives.
    auto db = persistence::database::open({.path = dir.string()});
    ASSERT_TRUE(db) << db.error().message;
    append_to((*db)->events(), std::vector(events.begin(), events.begin() + half));
    projections::order_summary summary;
    projections::orders_by_customer by_customer;
    projections::order_stats stats;
    for (projection* view : std::initializer_list<projection*>{&summary, &by_customer, &stats})
      ASSERT_TRUE(apply_and_commit(*view, (*db)->kv(), std::span(events).first(half), 0));
  }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto db = persistence::database::open({.path = dir.string()});
    if (!db) _exit(2);
    append_to((*db)->events(), std::vector(events.begin() + half, events.end()));
    (*db)->events().flush();
    projections::order_summary summary;
    projections::orders_by_customer by_customer;
    projections::order_stats stats;
    std::vector<view_cursor> cursors{{&summary, events[half - 1].position},
                                     {&by_customer, events[half - 1].position},
                                     {&stats, events[half - 1].position}};
    auto decoded = decode_events(events);
    auto batch = apply_batch(cursors, (*db)->kv(), decoded);
    if (!batch || !commit_batch((*db)->kv(), *batch, view_logging::no_wal)) _exit(3);
    if (!(*db)->kv().put("idempotency/k1", "kept")) _exit(4);
    _exit(0);  // no destructor: nothing is flushed or closed
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  auto db = persistence::database::open({.path = dir.string()});
  ASSERT_TRUE(db) << db.error().message;
  auto& kv = (*db)->kv();
  EXPECT_EQ(*kv.get("idempotency/k1"), std::optional<std::string>("kept"));
  EXPECT_EQ((*db)->events().last_position(), events.back().position);
  projections::order_summary summary;
  projections::orders_by_customer by_customer;
  projections::order_stats stats;
  for (projection* view : std::initializer_list<projection*>{&summary, &by_customer, &stats}) {
    auto at = load_checkpoint(kv, view->name());
    ASSERT_TRUE(at);
    // The crashed batch is gone, checkpoint and rows: the view stands where it stood.
    EXPECT_EQ(at->position, events[half - 1].position) << view->name();
    auto step = apply_journal_step((*db)->events(), kv, *view, at->position, 1 << 20);
    ASSERT_TRUE(step) << step.error().message;
    EXPECT_EQ(step->position, events.back().position);
  }
  auto shown = views(kv);
  EXPECT_EQ(shown["all"]["orders"].size(), 30u);
  EXPECT_EQ(shown["stats"]["orders_by_status"]["confirmed"], 15);
  EXPECT_EQ(shown["stats"]["orders_by_status"]["rejected"], 15);
  EXPECT_EQ(shown["stats"]["position"], events.back().position);
  int listed = 0;
  for (int c = 0; c < 3; ++c)
    listed += static_cast<int>(shown["c" + std::to_string(c)]["orders"].size());
  EXPECT_EQ(listed, 30);
  db->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ordo::readmodel::testing
