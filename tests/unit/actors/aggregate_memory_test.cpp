// What an idle live order aggregate costs in memory (issue 13: at most 2 KiB each, so that a
// million live orders fit in 2 GiB): the actor, its state and behavior, the shard's bookkeeping,
// and the gateway's record of the command that woke it.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

class AggregateMemory : public runtime_fixture {
 protected:
  // Sends `create` to every order and waits for every answer; counts the answers with `expected`.
  std::size_t create_all(const std::vector<std::string>& ids, outcome expected) {
    std::latch answered(static_cast<std::ptrdiff_t>(ids.size()));
    std::atomic<std::size_t> matching{0};
    for (const auto& id : ids) {
      command_envelope e;
      e.aggregate_type = "order";
      e.aggregate_id = id;
      e.command = "create";
      e.body = R"({"customer_id":"c-1"})";
      e.issued_at_ms = 1'700'000'000'000;
      gate().send_async(std::move(e), [&](command_reply r) {
        if (r.code == expected) matching.fetch_add(1);
        answered.count_down();
      });
    }
    answered.wait();
    return matching.load();
  }

  // Waits (up to a minute) until every projection has applied the whole journal.
  bool projections_caught_up() {
    for (int attempt = 0; attempt < 6000; ++attempt) {
      const auto views = gate().projections();
      if (!views.empty() &&
          std::all_of(views.begin(), views.end(), [](auto& v) { return v.lag_events == 0; }))
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

TEST_F(AggregateMemory, AnIdleLiveOrderTakesAtMostTwoKiB) {
  constexpr std::size_t orders = 4000;
  runtime_settings settings;
  settings.idle_timeout_ms = std::int64_t{1} << 40;  // nothing passivates while measured
  settings.max_live = orders * 2;
  settings.max_in_flight = orders * 2;
  settings.run_sagas = false;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < orders; ++i) ids.push_back("o-" + std::to_string(i));
  start(settings);
  ASSERT_EQ(create_all(ids, outcome::ok), orders);

  // A fresh runtime over the same open database (whose memtable holds the orders, so that what
  // grows below is the aggregates, not RocksDB's caches): no order is live.
  node_.reset();
  node_ = std::make_unique<runtime>(*db_, settings);
  // Half of them first: what the new runtime allocates or frees once (threads' first
  // allocations, caches of the first runtime let go) is not an order's.
  const auto half = ids.begin() + static_cast<std::ptrdiff_t>(orders / 2);
  ASSERT_EQ(create_all({ids.begin(), half}, outcome::already_exists), orders / 2);
  const std::vector<std::string> rest(half, ids.end());
  // The projections' catch-up with the creates allocates and frees as it goes: not while measured.
  ASSERT_TRUE(projections_caught_up());
  const auto before = mallinfo2().uordblks;
  // Waking each with a command that writes nothing leaves it idle and live.
  ASSERT_EQ(create_all(rest, outcome::already_exists), rest.size());
  const auto after = mallinfo2().uordblks;
  ASSERT_EQ(node().context().stats.aggregates_live.load(), orders);

  const double per_order =
      (static_cast<double>(after) - static_cast<double>(before)) / static_cast<double>(rest.size());
  EXPECT_LE(per_order, 2048.0);
  RecordProperty("bytes_per_idle_order", std::to_string(per_order));
  std::printf("malloc'd bytes per idle live order: %.0f\n", per_order);
}

}  // namespace
}  // namespace ordo::actors::testing
