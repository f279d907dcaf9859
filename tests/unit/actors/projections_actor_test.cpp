// The projection actors in a real runtime: they follow the journal through the event bus, catch
// up from the journal when behind, answer awaits, survive restarts and rebuild while events flow.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "../readmodel/projections_support.hpp"
#include "actors/messages.hpp"
#include "actors/projector.hpp"
#include "readmodel/projections/catalog.hpp"
#include "readmodel/projections/order_stats.hpp"
#include "readmodel/projections/order_summary.hpp"
#include "readmodel/projections/orders_by_customer.hpp"
#include "readmodel/view_queries.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

using namespace std::chrono_literals;
using namespace readmodel::testing;  // order histories and the projection db fixture
using nlohmann::json;
using order::order_status;

// Counts the events it applies in one row; refuses every batch while `refuse` is set.
class counting_view final : public readmodel::projection {
 public:
  counting_view(std::string name, std::shared_ptr<std::atomic<bool>> refuse)
      : name_(std::move(name)), prefix_("view/" + name_ + "/"), refuse_(std::move(refuse)) {}
  std::string_view name() const override { return name_; }
  std::string_view row_prefix() const override { return prefix_; }
  persistence::result<void> apply(std::span<const readmodel::decoded_event> events,
                                  readmodel::row_batch& rows) override {
    if (refuse_ && refuse_->load())
      return persistence::storage_failure(persistence::storage_errc::corrupt, "refused");
    auto key = prefix_ + "count";
    auto row = rows.get(key);
    if (!row) return std::unexpected(std::move(row.error()));
    rows.put(key, std::to_string((*row ? std::stoull(**row) : 0) + events.size()));
    return {};
  }

 private:
  std::string name_;
  std::string prefix_;
  std::shared_ptr<std::atomic<bool>> refuse_;
};

class ProjectionActors : public runtime_fixture {
 protected:
  // The journals these tests write confirm and reject orders by hand.
  ProjectionActors() { sagas_ = false; }

  void TearDown() override {
    stop_projector();
    runtime_fixture::TearDown();
  }

  // The runtime's projector, which runs every view.
  void spawn() { projector_ = node().projector(); }

  // Runs `write` on the database while no runtime (and so no projector) runs.
  void before_start(const std::function<void(persistence::database&)>& write) {
    stop_projector();
    stop();
    auto opened = persistence::database::open({.path = dir_.string()});
    ASSERT_TRUE(opened) << opened.error().message;
    write(**opened);
  }

  void stop_projector() {
    if (!projector_ || !node_) return;
    caf::scoped_actor self{node().system()};
    self->monitor(projector_);
    self->send(projector_, stop_atom::value);
    self->receive([](caf::down_msg&) {});
    projector_ = nullptr;
  }

  void restart() {
    stop_projector();
    start();
    spawn();
  }

  // Whether every view applies `position`. The projector answers a parked await false after
  // 15 s; as long as its views have applied more events meanwhile, or one is still clearing its
  // rows for a rebuild (which applies none), the await is asked again: a slow machine (a
  // sanitizer build) is no failure, a projector that stops applying is. ctest's timeout bounds a
  // rebuild that hangs.
  bool await(std::uint64_t position) {
    caf::scoped_actor self{node().system()};
    auto progress = [&] {
      std::uint64_t sum = 0;
      bool rebuilding = false;
      for (auto name : readmodel::projection_names()) {
        auto info = inspect(name);
        sum += info.position;
        rebuilding = rebuilding || info.status == "rebuilding";
      }
      return std::pair(sum, rebuilding);
    };
    auto applied = progress().first;
    for (;;) {
      bool reached = false;
      bool failed = false;
      self->request(projector_, caf::infinite, await_atom::value, position)
          .receive([&](bool answer) { reached = answer; },
                   [&](caf::error& err) {
                     ADD_FAILURE() << node().system().render(err);
                     failed = true;
                   });
      if (reached || failed) return reached;
      auto [now_applied, rebuilding] = progress();
      if (now_applied == applied && !rebuilding) return false;
      applied = now_applied;
    }
  }

  void await_all(std::uint64_t position) { ASSERT_TRUE(await(position)) << position; }

  // Asked without a deadline of its own: a projector in a long catch-up step answers late.
  projection_info inspect(std::string_view view) {
    caf::scoped_actor self{node().system()};
    projection_info info;
    self->request(projector_, caf::infinite, inspect_atom::value, std::string(view))
        .receive([&](projection_info& answer) { info = std::move(answer); },
                 [&](caf::error& err) { ADD_FAILURE() << node().system().render(err); });
    return info;
  }

  bool rebuild(std::string_view view) {
    caf::scoped_actor self{node().system()};
    bool accepted = false;
    self->request(projector_, std::chrono::seconds(10), rebuild_atom::value, std::string(view))
        .receive([&](bool answer) { accepted = answer; },
                 [&](caf::error& err) { ADD_FAILURE() << node().system().render(err); });
    return accepted;
  }

  // `count` orders of customers c0..c4 through assorted fates, appended to the journal.
  void write_orders(int first, int count) { write_orders(db(), first, count); }
  void write_orders(persistence::database& db, int first, int count) {
    for (int i = first; i < first + count; ++i) {
      auto id = "o" + std::to_string(1000 + i);
      history_.create(id, "c" + std::to_string(i % 5));
      history_.add_item(id, "apple", 1 + i % 3, 100);
      if (i % 7 == 0) continue;  // stays a draft
      history_.place(id);
      if (i % 7 == 1) history_.reject(id);
      if (i % 7 == 2) history_.cancel(id, order_status::placed);
      if (i % 7 >= 3) history_.confirm(id);
      if (i % 7 >= 5) history_.ship(id);
    }
    append_to(db.events(), history_.take());
  }

  std::uint64_t last() { return db().events().last_position(); }

  // Everything the views show: every summary, every customer's listing, the stats.
  static json views(const persistence::kv_store& kv) {
    json out;
    auto all = readmodel::list_orders(kv, {.limit = readmodel::max_list_limit});
    EXPECT_TRUE(all);
    out["all"] = all->to_json();
    for (int c = 0; c < 5; ++c) {
      auto customer = "c" + std::to_string(c);
      auto mine =
          readmodel::list_orders(kv, {.customer_id = customer, .limit = readmodel::max_list_limit});
      EXPECT_TRUE(mine);
      out[customer] = mine->to_json();
    }
    out["stats"] = *readmodel::get_stats(kv);
    return out;
  }

  // The views computed by plain projection code over the whole journal, in a second database.
  json reference_views() {
    auto dir = fresh_temp_dir("reference");
    auto opened = persistence::database::open({.path = dir.string()});
    EXPECT_TRUE(opened);
    auto events = db().events().read_all(1);
    EXPECT_TRUE(events);
    readmodel::projections::order_summary summary;
    readmodel::projections::orders_by_customer by_customer;
    readmodel::projections::order_stats stats;
    for (readmodel::projection* view :
         std::initializer_list<readmodel::projection*>{&summary, &by_customer, &stats})
      EXPECT_TRUE(readmodel::apply_and_commit(*view, (*opened)->kv(), *events, 0));
    auto out = views((*opened)->kv());
    opened->reset();
    std::filesystem::remove_all(dir);
    return out;
  }

  order_history history_;
  projector_actor projector_;
};

TEST_F(ProjectionActors, FollowTheJournalLive) {
  start();
  spawn();
  // Following the bus before the events come: a projector that has not loaded its checkpoints
  // yet (its thread runs at a lower priority) would read them from the journal instead, and a
  // catch-up records no apply delay.
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(10))) {
    bool all_live = true;
    for (auto name : readmodel::projection_names()) all_live &= inspect(name).status == "live";
    if (all_live) break;
  }
  write_orders(0, 14);
  await_all(last());
  auto shown = views(db().kv());
  EXPECT_EQ(shown, reference_views());
  EXPECT_EQ(shown["all"]["orders"].size(), 14u);
  EXPECT_EQ(shown["stats"]["orders_by_status"]["shipped"], 4);
  EXPECT_EQ(shown["stats"]["position"], last());
  for (auto name : readmodel::projection_names()) {
    auto info = inspect(name);
    EXPECT_EQ(info.name, name);
    EXPECT_EQ(info.position, last());
    EXPECT_EQ(info.lag_events, 0u);
    EXPECT_EQ(info.lag_ms, 0);
    EXPECT_EQ(info.status, "live");
    EXPECT_EQ(info.last_error, "");
    EXPECT_GT(info.apply_delay_p99_ms, 0);  // the events' timestamps lie in the past
  }
  EXPECT_EQ(inspect("nope").name, "");
}

TEST_F(ProjectionActors, CatchUpFromTheJournalWhenBehindTheBus) {
  // ~2 700 events before any projection runs: several journal chunks.
  before_start([&](persistence::database& db) { write_orders(db, 0, 600); });
  runtime_settings settings;
  settings.bus_buffer_events = 8;  // far fewer than the backlog
  start(settings);
  spawn();
  await_all(last());
  write_orders(600, 10);  // then live again
  await_all(last());
  EXPECT_EQ(views(db().kv()), reference_views());
  for (auto name : readmodel::projection_names()) EXPECT_EQ(inspect(name).status, "live");
}

TEST_F(ProjectionActors, AwaitAnswersOnceThePositionIsApplied) {
  start();
  spawn();
  write_orders(0, 1);
  await_all(last());
  auto target = last() + 3;
  auto answer = std::async(std::launch::async, [&] { return await(target); });
  std::this_thread::sleep_for(50ms);  // let the await park first
  write_orders(1, 1);
  ASSERT_GE(last(), target);
  EXPECT_TRUE(answer.get());
}

// After a batch that caught up, the projector lets events gather before it fetches again
// (runtime_settings::views_gather_us); a read that waits for the views ends the gathering.
TEST_F(ProjectionActors, AnAwaitEndsTheGatheringAtOnce) {
  start({.views_gather_us = 600'000'000});  // ten minutes: only an await can end it
  spawn();
  write_orders(0, 1);
  await_all(last());
  write_orders(1, 2);  // appended while the projector gathers
  await_all(last());   // at once, not after ten minutes (nor the await's 15 s)
  EXPECT_EQ(views(db().kv()), reference_views());
}

TEST_F(ProjectionActors, TooManyWaitersAreAnsweredFalse) {
  start();
  spawn();
  caf::scoped_actor waiters{node().system()};
  for (std::size_t i = 0; i < max_parked_awaits; ++i)
    waiters->send(projector_, await_atom::value, std::uint64_t{1'000'000});
  // Sent by the same actor after the parked ones, so answered only once they are all parked.
  // No deadline of its own: parking 10 000 awaits takes from milliseconds to minutes (under
  // ThreadSanitizer on a busy machine); ctest's timeout bounds the wait.
  waiters->request(projector_, caf::infinite, await_atom::value, std::uint64_t{1'000'000})
      .receive([](bool reached) { EXPECT_FALSE(reached); },
               [&](caf::error& err) { ADD_FAILURE() << node().system().render(err); });
  stop_projector();  // answers every parked await with false
  for (std::size_t answered = 0; answered < max_parked_awaits; ++answered) {
    bool received = true;
    waiters->receive([](bool reached) { EXPECT_FALSE(reached); },
                     caf::after(std::chrono::seconds(10)) >> [&] { received = false; });
    ASSERT_TRUE(received) << "only " << answered << " waiters were answered";
  }
}

TEST_F(ProjectionActors, ARestartGoesOnFromTheCheckpointWithoutCountingTwice) {
  start();
  spawn();
  write_orders(0, 20);
  await_all(last());
  restart();
  write_orders(20, 20);
  await_all(last());
  auto shown = views(db().kv());
  EXPECT_EQ(shown, reference_views());
  int counted = 0;
  for (auto& [status, count] : shown["stats"]["orders_by_status"].items())
    counted += count.get<int>();
  EXPECT_EQ(counted, 40);
}

TEST_F(ProjectionActors, RebuildWhileEventsAreAppendedEndsWithTheSameViews) {
  runtime_settings settings;
  settings.bus_buffer_events = 64;
  start(settings);
  spawn();
  write_orders(0, 300);
  await_all(last());
  auto before = views(db().kv());
  EXPECT_EQ(before, reference_views());
  // A row no event explains (as an older version of the code might have left): a rebuild that
  // did not start from empty rows would keep it.
  auto ghost = readmodel::projections::order_summary::row_key("zzz");
  ASSERT_TRUE(db().kv().put(ghost, R"({"summary":{"order_id":"zzz"},"order":{}})"));
  for (auto name : readmodel::projection_names()) EXPECT_TRUE(rebuild(name));
  std::thread writer([&] { write_orders(300, 100); });
  writer.join();
  await_all(last());
  auto after = views(db().kv());
  EXPECT_EQ(after, reference_views());
  EXPECT_EQ(*db().kv().get(ghost), std::nullopt);
  // The orders that existed before look exactly as they did.
  auto first_page_before = before["all"]["orders"];
  auto first_page_after = after["all"]["orders"];
  ASSERT_EQ(first_page_after.size(), first_page_before.size());  // both full pages of 200
  EXPECT_EQ(first_page_after, first_page_before);
  for (auto name : readmodel::projection_names()) {
    auto info = inspect(name);
    EXPECT_EQ(info.status, "live");
    EXPECT_EQ(info.position, last());
  }
}

TEST_F(ProjectionActors, AnInterruptedRebuildIsFinishedOnStart) {
  before_start([&](persistence::database& db) {
    write_orders(db, 0, 10);
    // As a crash in the middle of a rebuild leaves it: stale rows and the "clearing" checkpoint.
    auto& kv = db.kv();
    ASSERT_TRUE(
        kv.put("view/stats/order/ghost", R"({"status":"shipped","total_cents":1,"version":9})"));
    ASSERT_TRUE(kv.put("view/stats/totals",
                       R"({"orders_by_status":{},"confirmed_revenue_cents":7,"position":99})"));
    ASSERT_TRUE(
        kv.put(readmodel::checkpoint_key("stats"), std::string(readmodel::clearing_marker)));
  });
  start();
  spawn();
  await_all(last());
  EXPECT_EQ(*db().kv().get("view/stats/order/ghost"), std::nullopt);
  EXPECT_EQ(views(db().kv()), reference_views());
}

TEST_F(ProjectionActors, ViewsAtDifferentPositionsCatchUpAndJoinTheOthers) {
  before_start([&](persistence::database& db) {
    write_orders(db, 0, 60);
    auto events = db.events().read_all(1);
    ASSERT_TRUE(events);
    // As a data directory may hold them: order_summary ahead, stats a third of the way,
    // orders_by_customer and sagas at nothing.
    readmodel::projections::order_summary summary;
    readmodel::projections::order_stats stats;
    ASSERT_TRUE(readmodel::apply_and_commit(summary, db.kv(), *events, 0));
    ASSERT_TRUE(readmodel::apply_and_commit(stats, db.kv(),
                                            std::span(*events).first(events->size() / 3), 0));
  });
  start();
  spawn();
  write_orders(60, 5);
  await_all(last());
  EXPECT_EQ(views(db().kv()), reference_views());
  for (auto name : readmodel::projection_names()) {
    auto info = inspect(name);
    EXPECT_EQ(info.position, last()) << name;
    EXPECT_EQ(info.status, "live") << name;
  }
}

TEST_F(ProjectionActors, RebuildingOneViewClearsOnlyItsRowsWhileTheOthersStayLive) {
  start();
  spawn();
  write_orders(0, 50);
  await_all(last());
  // Rows no event explains: the rebuilt view's is cleared, the other view's is left alone.
  auto summary_ghost = readmodel::projections::order_summary::row_key("zzz");
  ASSERT_TRUE(db().kv().put(summary_ghost, R"({"summary":{"order_id":"zzz"},"order":{}})"));
  ASSERT_TRUE(db().kv().put("view/stats/order/ghost",
                            R"({"status":"shipped","total_cents":1,"version":9})"));
  EXPECT_TRUE(rebuild("stats"));
  EXPECT_FALSE(rebuild("nope"));
  EXPECT_EQ(inspect("order_summary").status, "live");
  EXPECT_EQ(inspect("orders_by_customer").status, "live");
  write_orders(50, 20);
  await_all(last());
  EXPECT_EQ(*db().kv().get("view/stats/order/ghost"), std::nullopt);
  EXPECT_NE(*db().kv().get(summary_ghost), std::nullopt);
  ASSERT_TRUE(db().kv().erase(summary_ghost));
  EXPECT_EQ(views(db().kv()), reference_views());
  for (auto name : readmodel::projection_names()) EXPECT_EQ(inspect(name).position, last());
}

TEST_F(ProjectionActors, OrdersByCustomerRowsOfEarlierVersionsAreRebuiltOnStart) {
  before_start([&](persistence::database& db) {
    write_orders(db, 0, 20);
    auto events = db.events().read_all(1);
    ASSERT_TRUE(events);
    readmodel::projections::order_summary summary;
    readmodel::projections::orders_by_customer by_customer;
    readmodel::projections::order_stats stats;
    for (readmodel::projection* view :
         std::initializer_list<readmodel::projection*>{&summary, &by_customer, &stats})
      ASSERT_TRUE(readmodel::apply_and_commit(*view, db.kv(), *events, 0));
    // What earlier versions wrote besides: the order's state, and a summary in each entry (here
    // one of an order that no event explains).
    ASSERT_TRUE(db.kv().put("view/orders_by_customer/#order/o1000", R"({"order":{}})"));
    ASSERT_TRUE(db.kv().put(readmodel::projections::orders_by_customer::index_key("c0", "ghost"),
                            R"({"order_id":"ghost"})"));
  });
  start();
  spawn();
  await_all(last());
  auto legacy = db().kv().scan(readmodel::projections::orders_by_customer::legacy_state_prefix);
  ASSERT_TRUE(legacy);
  EXPECT_TRUE(legacy->empty());
  EXPECT_EQ(*db().kv().get(readmodel::projections::orders_by_customer::index_key("c0", "ghost")),
            std::nullopt);
  EXPECT_EQ(views(db().kv()), reference_views());
  EXPECT_EQ(inspect("orders_by_customer").position, last());
}

TEST_F(ProjectionActors, AFailingViewHoldsBackNoOtherAndCatchesUpOnceItCan) {
  start();
  spawn();
  auto refuse = std::make_shared<std::atomic<bool>>(true);
  std::vector<std::unique_ptr<readmodel::projection>> views;
  views.push_back(std::make_unique<counting_view>("steady", nullptr));
  views.push_back(std::make_unique<counting_view>("flaky", refuse));
  auto projector = spawn_projector(node().system(), &node().context(), std::move(views), {});
  write_orders(0, 10);
  caf::scoped_actor self{node().system()};
  auto info = [&](const std::string& name) {
    projection_info answer;
    self->request(projector, caf::infinite, inspect_atom::value, name)
        .receive([&](projection_info& i) { answer = std::move(i); },
                 [&](caf::error& err) { ADD_FAILURE() << node().system().render(err); });
    return answer;
  };
  // Waits for the condition, not for a time: ctest's timeout bounds a projector that never gets
  // there.
  while (info("steady").position != last() || info("flaky").last_error.empty())
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(info("steady").status, "live");
  EXPECT_EQ(info("flaky").position, 0u);
  EXPECT_EQ(info("flaky").last_error, "refused");
  refuse->store(false);
  bool reached = false;
  self->request(projector, caf::infinite, await_atom::value, last())
      .receive([&](bool answer) { reached = answer; },
               [&](caf::error& err) { ADD_FAILURE() << node().system().render(err); });
  EXPECT_TRUE(reached);
  auto counted = [&](const std::string& name) { return *db().kv().get("view/" + name + "/count"); };
  EXPECT_EQ(counted("steady"), std::to_string(last()));  // every event once
  EXPECT_EQ(counted("flaky"), std::to_string(last()));
  EXPECT_EQ(info("flaky").last_error, "");
  self->monitor(projector);
  self->send(projector, stop_atom::value);
  self->receive([](caf::down_msg&) {});
}

}  // namespace
}  // namespace ordo::actors::testing
