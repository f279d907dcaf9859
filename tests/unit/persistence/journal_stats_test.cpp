// The writer's statistics: counts since the database opened, and histograms that add up.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {
namespace {

class JournalStats : public database_test {
 protected:
  // Fails the test unless `h` is well formed and counts `count` observations summing to `sum`.
  static void expect_histogram(const histogram& h, std::uint64_t count) {
    EXPECT_EQ(h.counts.size(), h.upper_bounds.size() + 1);
    EXPECT_TRUE(std::is_sorted(h.upper_bounds.begin(), h.upper_bounds.end()));
    EXPECT_EQ(std::accumulate(h.counts.begin(), h.counts.end(), std::uint64_t{0}), h.count);
    EXPECT_EQ(h.count, count);
  }
};

TEST_F(JournalStats, FreshJournalHasCountedNothing) {
  auto stats = events().stats();
  EXPECT_EQ(stats.batches, 0u);
  EXPECT_EQ(stats.events_appended, 0u);
  EXPECT_EQ(stats.failed_batches, 0u);
  EXPECT_EQ(stats.last_position, 0u);
  expect_histogram(stats.batch_events, 0);
  expect_histogram(stats.write_seconds, 0);
}

TEST_F(JournalStats, SequentialAppendsAreOneBatchEach) {
  for (int i = 0; i < 10; ++i) {
    append_ok(make_request("s", expected_version::any(), {"a", "b", "c"}));
  }
  auto stats = events().stats();
  EXPECT_EQ(stats.batches, 10u);
  EXPECT_EQ(stats.events_appended, 30u);
  EXPECT_EQ(stats.failed_batches, 0u);
  EXPECT_EQ(stats.last_position, 30u);
  expect_histogram(stats.batch_events, stats.batches);
  EXPECT_DOUBLE_EQ(stats.batch_events.sum, 30.0);
  expect_histogram(stats.write_seconds, stats.batches);
  EXPECT_GE(stats.write_seconds.sum, 0.0);
}

TEST_F(JournalStats, CountsRestartWithTheDatabaseButThePositionDoesNot) {
  constexpr int requests = 300;
  for (int i = 0; i < requests; ++i) {
    events().append_async(make_request("s" + std::to_string(i % 3), expected_version::any(), {"x"}),
                          [](result<append_result>) {});
  }
  close();  // drains the queue
  open();
  // Counts start again with the database; the position does not.
  auto stats = events().stats();
  EXPECT_EQ(stats.batches, 0u);
  EXPECT_EQ(stats.events_appended, 0u);
  EXPECT_EQ(stats.last_position, static_cast<std::uint64_t>(requests));
}

TEST_F(JournalStats, GroupCommitNeverCountsMoreBatchesThanRequests) {
  constexpr int requests = 300;
  for (int i = 0; i < requests; ++i) {
    events().append_async(make_request("s" + std::to_string(i % 3), expected_version::any(), {"x"}),
                          [](result<append_result>) {});
  }
  events().flush();
  auto stats = events().stats();
  EXPECT_EQ(stats.events_appended, static_cast<std::uint64_t>(requests));
  EXPECT_GE(stats.batches, 1u);
  EXPECT_LE(stats.batches, static_cast<std::uint64_t>(requests));
  expect_histogram(stats.batch_events, stats.batches);
  EXPECT_DOUBLE_EQ(stats.batch_events.sum, requests);
}

TEST_F(JournalStats, WriteFaultsAreFailedBatches) {
  append_ok(make_request("s", expected_version::any(), {"1"}));
  events().set_write_fault([] { return true; });
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(events().append(make_request("s", expected_version::any(), {"lost"})));
  }
  events().set_write_fault([] { return false; });
  auto stats = events().stats();
  EXPECT_EQ(stats.failed_batches, 3u);
  EXPECT_EQ(stats.batches, 1u);
  EXPECT_EQ(stats.events_appended, 1u);
  EXPECT_EQ(stats.last_position, 1u);
}

}  // namespace
}  // namespace ordo::persistence::testing
