// rebuild_projection: a projection rebuilt from the journal equals the one built live; and what
// `ordo verify` finds wrong with projection checkpoints.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "projections_support.hpp"
#include "readmodel/projection_rebuild.hpp"
#include "readmodel/projection_verify.hpp"
#include "readmodel/projections/catalog.hpp"

namespace ordo::readmodel::testing {
namespace {

// Counts each stream's events in a row of its own and keeps nothing in memory: every event reads
// its row through the row_batch, so a rebuild must let it read rows whose write is under way.
class event_counter final : public projection {
 public:
  std::string_view name() const override { return "event_counter"; }
  std::string_view row_prefix() const override { return "view/event_counter/"; }
  persistence::result<void> apply(std::span<const decoded_event> events, row_batch& rows) override {
    for (auto& decoded : events) {
      auto key = std::string(row_prefix()) + decoded.recorded().stream;
      auto row = rows.get(key);
      if (!row) return std::unexpected(std::move(row.error()));
      rows.put(key, std::to_string((*row ? std::stoi(**row) : 0) + 1));
    }
    return {};
  }
};

// Another view that stops with an error at its first event after `stop`, as a rebuild that a
// damaged record or a crash interrupts: nothing of that batch is committed.
class stopping_view final : public projection {
 public:
  stopping_view(projection& inner, std::uint64_t stop) : inner_(inner), stop_(stop) {}
  std::string_view name() const override { return inner_.name(); }
  std::string_view row_prefix() const override { return inner_.row_prefix(); }
  persistence::result<void> apply(std::span<const decoded_event> events, row_batch& rows) override {
    auto beyond = std::ranges::find_if(
        events, [&](const decoded_event& e) { return e.recorded().position > stop_; });
    auto applied =
        inner_.apply(events.first(static_cast<std::size_t>(beyond - events.begin())), rows);
    if (!applied || beyond == events.end()) return applied;
    return persistence::storage_failure(persistence::storage_errc::corrupt, "stopped");
  }
  bool decodes_order_event(const persistence::recorded_event& e) const override {
    return inner_.decodes_order_event(e);
  }
  void forget() override { inner_.forget(); }

 private:
  projection& inner_;
  std::uint64_t stop_;
};

class rebuild_test : public projection_db_test {
 protected:
  std::vector<std::pair<std::string, std::string>> rows(const projection& view) {
    auto scanned = kv().scan(view.row_prefix(), {}, 1'000'000);
    EXPECT_TRUE(scanned) << scanned.error().message;
    return scanned ? *scanned : decltype(rows(view)){};
  }

  // A few hundred events of orders in every status, with other streams in between.
  void build_history() {
    order_history history;
    for (int i = 0; i < 60; ++i) {
      auto id = "o" + std::to_string(i);
      history.create(id, "c" + std::to_string(i % 7));
      history.add_item(id, "a", 1 + i % 3, 250);
      history.add_item(id, "b", 2, 1000 + i);
      if (i % 5 == 0) history.remove_item(id, "a");
      if (i % 4 != 3) history.place(id);
      if (i % 4 == 0) history.confirm(id);
      if (i % 8 == 0) history.ship(id);
      if (i % 4 == 1) history.reject(id);
      if (i % 4 == 3) history.cancel(id, domain::order::order_status::draft);
      history.other_stream("stock-" + std::to_string(i % 3));
      if (i % 4 != 3) {
        namespace saga = domain::saga;
        history.saga(id, saga::saga_started{id, {{"a", 1}}, 250, "tok_ok", 5000, 0});
        if (i % 4 == 0) history.saga(id, saga::saga_finished{std::string(saga::outcome_confirmed)});
        if (i % 4 == 1)
          history.saga(id, saga::saga_step_entered{"compensating", 0, "out_of_stock", true});
      }
    }
    events_ = history.take();
    append_to(db_->events(), events_);
  }

  std::vector<persistence::recorded_event> events_;
};

TEST_F(rebuild_test, RebuiltProjectionsEqualTheOnesBuiltLive) {
  build_history();
  for (auto name : projection_names()) {
    auto view = make_projection(name);
    ASSERT_TRUE(view) << name;
    // Live: small batches, as the projection actor commits them while following the bus.
    for (std::size_t i = 0; i < events_.size(); i += 7) {
      std::vector<persistence::recorded_event> batch(
          events_.begin() + i, events_.begin() + std::min(events_.size(), i + 7));
      feed(*view, batch);
    }
    auto live = rows(*view);
    ASSERT_FALSE(live.empty()) << name;
    std::vector<rebuild_progress> seen;
    auto rebuilt = rebuild_projection(
        *db_, *view, [&](auto& p) { seen.push_back(p); }, 64);
    ASSERT_TRUE(rebuilt) << rebuilt.error().message;
    EXPECT_EQ(rebuilt->events, events_.size());
    EXPECT_EQ(rebuilt->position, events_.back().position);
    EXPECT_EQ(rows(*view), live) << name;
    EXPECT_GE(seen.size(), events_.size() / 64);
    auto checkpoint = load_checkpoint(kv(), name);
    ASSERT_TRUE(checkpoint);
    EXPECT_EQ(checkpoint->position, events_.back().position);
  }
}

TEST_F(rebuild_test, RowsARebuildIngestsAreByteForByteTheOnesCommittedIncrementally) {
  build_history();
  for (auto name : projection_names()) {
    auto view = make_projection(name);
    for (auto& e : events_) feed(*view, {e});  // one WriteBatch per event
    auto incremental = rows(*view);
    auto checkpoint = load_checkpoint(kv(), name);
    ASSERT_TRUE(checkpoint);
    for (std::size_t batch : {16, 64, 100'000}) {
      auto rebuilt = rebuild_projection(*db_, *view, {}, batch);
      ASSERT_TRUE(rebuilt) << rebuilt.error().message;
      EXPECT_EQ(rows(*view), incremental) << name << ", batches of " << batch;
      auto after = load_checkpoint(kv(), name);
      ASSERT_TRUE(after);
      EXPECT_EQ(*after, *checkpoint) << name << ", batches of " << batch;
    }
  }
}

TEST_F(rebuild_test, AnInterruptedRebuildGoesOnFromItsCheckpointToTheSameRows) {
  build_history();
  auto views = [] {
    std::vector<std::unique_ptr<projection>> all;
    for (auto name : projection_names()) all.push_back(make_projection(name));
    all.push_back(std::make_unique<event_counter>());  // counts twice what is applied twice
    return all;
  };
  auto first = views();
  auto stop = events_[events_.size() / 2].position;
  for (auto& view : first) {
    for (std::size_t i = 0; i < events_.size(); i += 7) {
      std::vector<persistence::recorded_event> batch(
          events_.begin() + i, events_.begin() + std::min(events_.size(), i + 7));
      feed(*view, batch);
    }
    auto live = rows(*view);
    stopping_view stopping(*view, stop);
    ASSERT_FALSE(rebuild_projection(*db_, stopping, {}, 16)) << view->name();
    auto checkpoint = load_checkpoint(kv(), view->name());
    ASSERT_TRUE(checkpoint);
    EXPECT_GT(checkpoint->position, 0u) << view->name();
    EXPECT_LE(checkpoint->position, stop) << view->name();
    // As a node that starts afterwards: a view with nothing in memory goes on from the checkpoint.
    auto restarted = view->name() == "event_counter" ? std::make_unique<event_counter>()
                                                     : make_projection(view->name());
    auto at = checkpoint->position;
    for (bool done = false; !done;) {
      auto step = apply_journal_step(db_->events(), kv(), *restarted, at, 50);
      ASSERT_TRUE(step) << step.error().message;
      at = step->position;
      done = step->caught_up;
    }
    EXPECT_EQ(at, events_.back().position);
    EXPECT_EQ(rows(*view), live) << view->name();
  }
}

TEST_F(rebuild_test, EventsReadRowsWhoseWriteIsStillUnderWay) {
  build_history();
  std::map<std::string, int> expected;
  for (auto& e : events_) ++expected["view/event_counter/" + e.stream];
  event_counter view;
  for (std::size_t batch : {1, 2, 3, 64}) {
    auto rebuilt = rebuild_projection(*db_, view, {}, batch);
    ASSERT_TRUE(rebuilt) << rebuilt.error().message;
    std::map<std::string, int> counted;
    for (auto& [key, value] : rows(view)) counted[key] = std::stoi(value);
    EXPECT_EQ(counted, expected) << "batches of " << batch;
  }
}

TEST_F(rebuild_test, ARowBatchReadsItsOwnWritesThenTheOnesBeingWrittenThenTheStore) {
  for (auto key : {"v/a", "v/b", "v/c", "v/d"}) ASSERT_TRUE(kv().put(key, "stored"));
  std::vector<persistence::kv_write> being_written{
      {"v/b", "earlier batch"}, {"v/c", std::nullopt}, {"v/e", "earlier batch"}};
  row_batch rows(kv(), "v/", being_written);
  rows.put("v/b", "this batch");
  auto read = [&](std::string_view key) {
    auto row = rows.get(key);
    EXPECT_TRUE(row) << row.error().message;
    return row ? *row : std::optional<std::string>("read failed");
  };
  EXPECT_EQ(read("v/a"), "stored");
  EXPECT_EQ(read("v/b"), "this batch");
  EXPECT_EQ(read("v/c"), std::nullopt);  // erased by the batch being written
  EXPECT_EQ(read("v/d"), "stored");
  EXPECT_EQ(read("v/e"), "earlier batch");
  EXPECT_EQ(read("v/f"), std::nullopt);
}

TEST_F(rebuild_test, StaleRowsAreClearedBeforeTheRebuild) {
  build_history();
  auto view = make_projection("order_summary");
  ASSERT_TRUE(kv().put(std::string(view->row_prefix()) + "ghost", "{}"));
  ASSERT_TRUE(kv().put(checkpoint_key(view->name()), "999999"));
  ASSERT_TRUE(rebuild_projection(*db_, *view));
  for (auto& [key, value] : rows(*view)) EXPECT_EQ(key.find("ghost"), std::string::npos);
}

TEST_F(rebuild_test, CheckpointsBeyondTheJournalOrUnreadableAreProblemsByName) {
  build_history();
  auto last = db_->events().last_position();
  ASSERT_TRUE(kv().put(checkpoint_key("order_summary"), std::to_string(last)));
  ASSERT_TRUE(kv().put(checkpoint_key("orders_by_customer"), std::string(clearing_marker)));
  auto clean = checkpoint_problems(kv(), last);
  ASSERT_TRUE(clean) << clean.error().message;
  EXPECT_TRUE(clean->empty());  // stats has none yet: nothing applied is no problem

  ASSERT_TRUE(kv().put(checkpoint_key("order_summary"), std::to_string(last + 1)));
  ASSERT_TRUE(kv().put(checkpoint_key("stats"), "12x"));
  auto found = checkpoint_problems(kv(), last);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].kind, persistence::problem_kind::checkpoint_beyond_journal);
  EXPECT_EQ((*found)[0].key, "checkpoint/order_summary");
  EXPECT_EQ((*found)[0].position, last + 1);
  EXPECT_NE((*found)[0].detail.find("projection order_summary"), std::string::npos);
  EXPECT_EQ((*found)[1].kind, persistence::problem_kind::unreadable_checkpoint);
  EXPECT_EQ((*found)[1].key, "checkpoint/stats");
  EXPECT_NE((*found)[1].detail.find("projection stats"), std::string::npos);
}

TEST_F(rebuild_test, UnknownProjectionHasNoMaker) {
  EXPECT_EQ(make_projection("nope"), nullptr);
  EXPECT_EQ(projection_names().size(), 4u);
}

}  // namespace
}  // namespace ordo::readmodel::testing
