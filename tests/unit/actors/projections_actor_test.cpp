// The projection actors in a real runtime: they follow the journal through the event bus, catch
// up from the journal when behind, answer awaits, survive restarts and rebuild while events flow.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "../readmodel/projections_support.hpp"
#include "actors/messages.hpp"
#include "actors/projection_actor.hpp"
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

// Once the runtime starts the projections itself, the tests use those: a second set would write
// the same rows and checkpoints.
template <class R>
concept starts_projections = requires(R& r) {
  { r.projections() } -> std::convertible_to<std::vector<caf::actor>>;
};

class ProjectionActors : public runtime_fixture {
 protected:
  // The journals these tests write confirm and reject orders by hand.
  ProjectionActors() { sagas_ = false; }

  void TearDown() override {
    stop_projections();
    runtime_fixture::TearDown();
  }

  template <class R = runtime>
  void spawn() {
    R& r = this->node();
    if constexpr (starts_projections<R>)
      projections_ = r.projections();
    else
      projections_ = spawn_projections(r.system(), &r.context());
  }

  // Runs `write` on the database while no runtime (and so no projection) runs.
  void before_start(const std::function<void(persistence::database&)>& write) {
    stop_projections();
    stop();
    auto opened = persistence::database::open({.path = dir_.string()});
    ASSERT_TRUE(opened) << opened.error().message;
    write(**opened);
  }

  void stop_projections() {
    if (projections_.empty() || !node_) return;
    caf::scoped_actor self{node().system()};
    for (auto& p : projections_) {
      self->monitor(p);
      self->send(p, stop_atom::value);
    }
    for (std::size_t i = 0; i < projections_.size(); ++i) self->receive([](caf::down_msg&) {});
    projections_.clear();
  }

  void restart() {
    stop_projections();
    start();
    spawn();
  }

  // Whether `view` applies `position`. The projection answers a parked await false after 15 s;
  // as long as it has applied more events meanwhile, or is still clearing its rows for a rebuild
  // (which applies none), the await is asked again: a slow machine (a sanitizer build) is no
  // failure, a projection that stops applying is. ctest's timeout bounds a rebuild that hangs.
  bool await(const caf::actor& view, std::uint64_t position) {
    caf::scoped_actor self{node().system()};
    // Asked without a deadline of its own: a projection in a long catch-up step answers late.
    auto inspect = [&] {
      projection_info info;
      self->request(view, caf::infinite, inspect_atom::value)
          .receive([&](projection_info& answer) { info = std::move(answer); },
                   [&](caf::error& err) { ADD_FAILURE() << node().system().render(err); });
      return info;
    };
    auto applied = inspect().position;
    for (;;) {
      bool reached = false;
      bool failed = false;
      self->request(view, caf::infinite, await_atom::value, position)
          .receive([&](bool answer) { reached = answer; },
                   [&](caf::error& err) {
                     ADD_FAILURE() << node().system().render(err);
                     failed = true;
                   });
      if (reached || failed) return reached;
      auto info = inspect();
      if (info.position == applied && info.status != "rebuilding") return false;
      applied = info.position;
    }
  }

  void await_all(std::uint64_t position) {
    for (auto& view : projections_) ASSERT_TRUE(await(view, position)) << position;
  }

  projection_info inspect(const caf::actor& view) {
    caf::scoped_actor self{node().system()};
    projection_info info;
    self->request(view, std::chrono::seconds(10), inspect_atom::value)
        .receive([&](projection_info& answer) { info = std::move(answer); },
                 [&](caf::error& err) { ADD_FAILURE() << node().system().render(err); });
    return info;
  }

  void rebuild(const caf::actor& view) {
    caf::scoped_actor self{node().system()};
    self->request(view, std::chrono::seconds(10), rebuild_atom::value)
        .receive([](bool accepted) { EXPECT_TRUE(accepted); },
                 [&](caf::error& err) { ADD_FAILURE() << node().system().render(err); });
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
  std::vector<caf::actor> projections_;
};

TEST_F(ProjectionActors, FollowTheJournalLive) {
  start();
  spawn();
  write_orders(0, 14);
  await_all(last());
  auto shown = views(db().kv());
  EXPECT_EQ(shown, reference_views());
  EXPECT_EQ(shown["all"]["orders"].size(), 14u);
  EXPECT_EQ(shown["stats"]["orders_by_status"]["shipped"], 4);
  EXPECT_EQ(shown["stats"]["position"], last());
  for (auto& view : projections_) {
    auto info = inspect(view);
    EXPECT_EQ(info.position, last());
    EXPECT_EQ(info.lag_events, 0u);
    EXPECT_EQ(info.lag_ms, 0);
    EXPECT_EQ(info.status, "live");
    EXPECT_EQ(info.last_error, "");
    EXPECT_GT(info.apply_delay_p99_ms, 0);  // the events' timestamps lie in the past
  }
  EXPECT_EQ(inspect(projections_[0]).name, "order_summary");
  EXPECT_EQ(inspect(projections_[1]).name, "orders_by_customer");
  EXPECT_EQ(inspect(projections_[2]).name, "stats");
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
  for (auto& view : projections_) EXPECT_EQ(inspect(view).status, "live");
}

TEST_F(ProjectionActors, AwaitAnswersOnceThePositionIsApplied) {
  start();
  spawn();
  write_orders(0, 1);
  await_all(last());
  auto target = last() + 3;
  auto answer = std::async(std::launch::async, [&] { return await(projections_[2], target); });
  std::this_thread::sleep_for(50ms);  // let the await park first
  write_orders(1, 1);
  ASSERT_GE(last(), target);
  EXPECT_TRUE(answer.get());
}

TEST_F(ProjectionActors, TooManyWaitersAreAnsweredFalse) {
  start();
  spawn();
  caf::scoped_actor waiters{node().system()};
  for (std::size_t i = 0; i < max_parked_awaits; ++i)
    waiters->send(projections_[0], await_atom::value, std::uint64_t{1'000'000});
  // Sent by the same actor after the parked ones, so answered only once they are all parked.
  // No deadline of its own: parking 10 000 awaits takes from milliseconds to minutes (under
  // ThreadSanitizer on a busy machine); ctest's timeout bounds the wait.
  waiters->request(projections_[0], caf::infinite, await_atom::value, std::uint64_t{1'000'000})
      .receive([](bool reached) { EXPECT_FALSE(reached); },
               [&](caf::error& err) { ADD_FAILURE() << node().system().render(err); });
  stop_projections();  // answers every parked await with false
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
  for (auto& view : projections_) rebuild(view);
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
  for (auto& view : projections_) {
    auto info = inspect(view);
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

}  // namespace
}  // namespace ordo::actors::testing
