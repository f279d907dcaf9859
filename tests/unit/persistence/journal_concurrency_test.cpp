// Many threads appending at once: on distinct streams every append lands, on one stream
// optimistic concurrency lets exactly one writer win each version.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {
namespace {

constexpr int thread_count = 16;

class JournalConcurrency : public database_test {};

TEST_F(JournalConcurrency, AppendersOnDistinctStreamsAllLandWithUniquePositions) {
  constexpr std::uint64_t appends_per_thread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([this, t] {
      const auto stream = "stream-" + std::to_string(t);
      for (std::uint64_t v = 1; v <= appends_per_thread; ++v) {
        auto r = events().append(make_request(stream, expected_version::exact(v - 1),
                                              {stream + "/" + std::to_string(v)}));
        ASSERT_TRUE(r) << stream << " v" << v << ": " << r.error().message;
        ASSERT_EQ(r->first_version, v);
        ASSERT_EQ(r->first_position, r->last_position);
      }
    });
  }
  for (auto& t : threads) t.join();

  constexpr std::uint64_t total = thread_count * appends_per_thread;
  EXPECT_EQ(events().last_position(), total);

  // Each stream: versions 1..N in order, each with its own payload.
  for (int t = 0; t < thread_count; ++t) {
    const auto stream = "stream-" + std::to_string(t);
    auto stream_events = read_ok(stream);
    ASSERT_EQ(stream_events.size(), appends_per_thread) << stream;
    for (std::uint64_t v = 1; v <= appends_per_thread; ++v) {
      EXPECT_EQ(stream_events[v - 1].version, v);
      EXPECT_EQ(stream_events[v - 1].data, stream + "/" + std::to_string(v));
    }
    EXPECT_EQ(highest_ok(stream), appends_per_thread);
  }

  // The log: positions 1..total in order, and within each stream versions rise with positions.
  auto all = read_all_ok();
  ASSERT_EQ(all.size(), total);
  std::map<std::string, std::uint64_t> last_version;
  for (std::uint64_t i = 0; i < total; ++i) {
    ASSERT_EQ(all[i].position, i + 1);
    auto& seen = last_version[all[i].stream];
    ASSERT_EQ(all[i].version, seen + 1) << all[i].stream << " at position " << all[i].position;
    seen = all[i].version;
  }
  EXPECT_EQ(last_version.size(), static_cast<std::size_t>(thread_count));
}

TEST_F(JournalConcurrency, RacersOnOneStreamExactlyOneWinsEachVersion) {
  constexpr std::uint64_t rounds = 50;
  const std::string stream = "contended";
  std::barrier round_barrier(thread_count);
  std::vector<std::atomic<int>> winners(rounds);
  std::atomic<int> bad_failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t v = 0; v < rounds; ++v) {
        round_barrier.arrive_and_wait();  // everyone races for version v + 1
        auto r = events().append(make_request(stream, expected_version::exact(v),
                                              {std::to_string(t) + "@" + std::to_string(v + 1)}));
        if (r) {
          ++winners[v];
          if (r->first_version != v + 1) ++bad_failures;
        } else if (r.error().code != storage_errc::wrong_expected_version ||
                   r.error().actual_version != v + 1) {
          ++bad_failures;
        }
        round_barrier.arrive_and_wait();  // the round is over before anyone starts the next
      }
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(bad_failures, 0);
  for (std::uint64_t v = 0; v < rounds; ++v) EXPECT_EQ(winners[v], 1) << "version " << v + 1;
  auto stream_events = read_ok(stream);
  ASSERT_EQ(stream_events.size(), rounds);
  for (std::uint64_t v = 1; v <= rounds; ++v) {
    EXPECT_EQ(stream_events[v - 1].version, v);
    EXPECT_TRUE(stream_events[v - 1].data.ends_with("@" + std::to_string(v)));
    EXPECT_EQ(stream_events[v - 1].position, v);
  }
  EXPECT_EQ(events().last_position(), rounds);
}

TEST_F(JournalConcurrency, RacersRetryingWithTheActualVersionBuildOneContiguousStream) {
  constexpr std::uint64_t target = 400;
  const std::string stream = "contended";
  std::atomic<int> wins{0};
  std::atomic<int> bad_failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&, t] {
      std::uint64_t known = 0;
      while (known < target) {
        auto r = events().append(
            make_request(stream, expected_version::exact(known),
                         {"t" + std::to_string(t) + "@" + std::to_string(known + 1)}));
        if (r) {
          ++wins;
          known = r->last_version;
        } else if (r.error().code == storage_errc::wrong_expected_version &&
                   r.error().actual_version > known) {
          known = r.error().actual_version;  // someone else won: retry on top of their version
        } else {
          ++bad_failures;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(bad_failures, 0);
  auto stream_events = read_ok(stream);
  // A racer only appends on top of a version below `target`, so the stream ends exactly there.
  EXPECT_EQ(stream_events.size(), target);
  EXPECT_EQ(static_cast<std::uint64_t>(wins.load()), target);
  std::set<std::uint64_t> positions;
  for (std::uint64_t i = 0; i < stream_events.size(); ++i) {
    EXPECT_EQ(stream_events[i].version, i + 1);
    EXPECT_TRUE(stream_events[i].data.ends_with("@" + std::to_string(i + 1)))
        << stream_events[i].data;
    positions.insert(stream_events[i].position);
  }
  EXPECT_EQ(positions.size(), stream_events.size());
  EXPECT_EQ(highest_ok(stream), stream_events.size());
}

}  // namespace
}  // namespace ordo::persistence::testing
