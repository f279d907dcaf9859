// The journal against the Akka persistence plugin TCK (JournalSpec), ported to ordo's journal:
// a stream with five events, replayed with every combination of bounds, then truncated.
#include <gtest/gtest.h>

#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {
namespace {

using versions = std::vector<std::uint64_t>;

class JournalTck : public database_test {
 protected:
  // Like the TCK, five events written one append at a time.
  void SetUp() override {
    database_test::SetUp();
    for (std::uint64_t v = 1; v <= 5; ++v) {
      written_.push_back(
          append_ok(make_request(stream_, expected_version::exact(v - 1), {payload(v)})));
    }
  }

  static std::string payload(std::uint64_t version) { return "a-" + std::to_string(version); }

  const std::string stream_ = "order-1";
  std::vector<append_result> written_;
};

TEST_F(JournalTck, ReplayAllEventsWithEveryFieldIntact) {
  auto events = read_ok(stream_);
  ASSERT_EQ(events.size(), 5u);
  for (std::uint64_t v = 1; v <= 5; ++v) {
    const auto& e = events[v - 1];
    EXPECT_EQ(static_cast<const event_data&>(e), make_event(payload(v)));
    EXPECT_EQ(e.stream, stream_);
    EXPECT_EQ(e.version, v);
    EXPECT_EQ(e.position, written_[v - 1].first_position);
  }
}

TEST_F(JournalTck, AppendResultsNameVersionsAndPositions) {
  for (std::uint64_t v = 1; v <= 5; ++v) {
    EXPECT_EQ(written_[v - 1].first_version, v);
    EXPECT_EQ(written_[v - 1].last_version, v);
    EXPECT_EQ(written_[v - 1].first_position, v);
    EXPECT_EQ(written_[v - 1].last_position, v);
  }
}

TEST_F(JournalTck, ReplayWithLowerBound) {
  EXPECT_EQ(versions_of(read_ok(stream_, 3)), (versions{3, 4, 5}));
}

TEST_F(JournalTck, ReplayWithUpperBound) {
  EXPECT_EQ(versions_of(read_ok(stream_, 1, 3)), (versions{1, 2, 3}));
}

TEST_F(JournalTck, ReplayWithMaxCount) {
  EXPECT_EQ(versions_of(read_ok(stream_, 1, unbounded, 3)), (versions{1, 2, 3}));
}

TEST_F(JournalTck, ReplayWithLowerAndUpperBound) {
  EXPECT_EQ(versions_of(read_ok(stream_, 2, 3)), (versions{2, 3}));
}

TEST_F(JournalTck, ReplayWithLowerAndUpperBoundAndMaxCount) {
  EXPECT_EQ(versions_of(read_ok(stream_, 2, 5, 2)), (versions{2, 3}));
}

TEST_F(JournalTck, ReplayWithLowerBoundEqualToUpperBoundGivesOneEvent) {
  EXPECT_EQ(versions_of(read_ok(stream_, 2, 2)), (versions{2}));
}

TEST_F(JournalTck, ReplayWithMaxCountOneGivesFirstEvent) {
  EXPECT_EQ(versions_of(read_ok(stream_, 1, unbounded, 1)), (versions{1}));
}

TEST_F(JournalTck, ReplayWithMaxCountZeroGivesNone) {
  EXPECT_TRUE(read_ok(stream_, 1, unbounded, 0).empty());
}

TEST_F(JournalTck, ReplayWithLowerBoundAboveUpperBoundGivesNone) {
  EXPECT_TRUE(read_ok(stream_, 3, 2).empty());
}

TEST_F(JournalTck, ReplayWithLowerBoundAboveHighestGivesNone) {
  EXPECT_TRUE(read_ok(stream_, 6).empty());
}

TEST_F(JournalTck, ReplayFromVersionZeroStartsAtTheFirstEvent) {
  EXPECT_EQ(versions_of(read_ok(stream_, 0, 2)), (versions{1, 2}));
}

TEST_F(JournalTck, UnknownStreamReplaysNoneAndHasHighestVersionZero) {
  EXPECT_TRUE(read_ok("order-unknown").empty());
  EXPECT_EQ(highest_ok("order-unknown"), 0u);
}

TEST_F(JournalTck, StreamIdsAreNotPrefixesOfOneAnother) {
  // "order-1" is a prefix of "order-10": neither may see the other's events.
  append_ok(make_request("order-10", expected_version::no_stream(), {"b-1"}));
  EXPECT_EQ(versions_of(read_ok(stream_)), (versions{1, 2, 3, 4, 5}));
  EXPECT_EQ(highest_ok("order-10"), 1u);
  EXPECT_EQ(read_ok("order-10").at(0).data, "b-1");
  EXPECT_TRUE(read_ok("order-").empty());
  EXPECT_EQ(highest_ok("order-"), 0u);
}

TEST_F(JournalTck, HighestVersionWithoutReplay) {
  EXPECT_EQ(highest_ok(stream_), 5u);
}

TEST_F(JournalTck, NoReplayOfTruncatedEvents) {
  ASSERT_TRUE(events().truncate_before(stream_, 4));
  EXPECT_EQ(versions_of(read_ok(stream_)), (versions{4, 5}));
  EXPECT_EQ(versions_of(read_ok(stream_, 1, 4)), (versions{4}));
  EXPECT_EQ(read_ok(stream_, 4).at(0).data, payload(4));
}

TEST_F(JournalTck, NoReplayOfTruncatedEventsAfterReopen) {
  ASSERT_TRUE(events().truncate_before(stream_, 4));
  reopen();
  EXPECT_EQ(versions_of(read_ok(stream_)), (versions{4, 5}));
}

TEST_F(JournalTck, HighestVersionIsNotResetAfterTruncation) {
  ASSERT_TRUE(events().truncate_before(stream_, 4));
  EXPECT_EQ(highest_ok(stream_), 5u);
}

TEST_F(JournalTck, HighestVersionIsNotResetAfterTruncatingEverything) {
  ASSERT_TRUE(events().truncate_before(stream_, 6));
  EXPECT_TRUE(read_ok(stream_).empty());
  EXPECT_EQ(highest_ok(stream_), 5u);
}

TEST_F(JournalTck, HighestVersionIsNotResetAfterTruncatingEverythingAndReopening) {
  ASSERT_TRUE(events().truncate_before(stream_, 6));
  reopen();
  EXPECT_TRUE(read_ok(stream_).empty());
  EXPECT_EQ(highest_ok(stream_), 5u);
}

TEST_F(JournalTck, TruncatingBeyondTheHighestVersionKeepsTheHighestVersion) {
  ASSERT_TRUE(events().truncate_before(stream_, 100));
  EXPECT_EQ(highest_ok(stream_), 5u);
}

TEST_F(JournalTck, AppendAfterTruncatingEverythingContinuesAtTheNextVersion) {
  ASSERT_TRUE(events().truncate_before(stream_, 6));
  reopen();
  auto r = append_ok(make_request(stream_, expected_version::exact(5), {payload(6)}));
  EXPECT_EQ(r.first_version, 6u);
  EXPECT_EQ(versions_of(read_ok(stream_)), (versions{6}));
}

TEST_F(JournalTck, StreamTruncatedToNothingStillExists) {
  ASSERT_TRUE(events().truncate_before(stream_, 6));
  auto fresh = events().append(make_request(stream_, expected_version::no_stream(), {"x"}));
  ASSERT_FALSE(fresh);
  EXPECT_EQ(fresh.error().code, storage_errc::wrong_expected_version);
  EXPECT_EQ(fresh.error().actual_version, 5u);
}

TEST_F(JournalTck, TruncationLeavesOtherStreamsAlone) {
  append_ok(make_request("order-10", expected_version::any(), {"b-1", "b-2"}));
  ASSERT_TRUE(events().truncate_before(stream_, 6));
  EXPECT_EQ(versions_of(read_ok("order-10")), (versions{1, 2}));
}

TEST_F(JournalTck, PositionsAreNotReusedAfterTruncatingEverythingAndReopening) {
  ASSERT_TRUE(events().truncate_before(stream_, 6));
  reopen();
  EXPECT_EQ(events().last_position(), 5u);
  auto r = append_ok(make_request("order-2", expected_version::any(), {"c-1"}));
  EXPECT_EQ(r.first_position, 6u);
}

}  // namespace
}  // namespace ordo::persistence::testing
