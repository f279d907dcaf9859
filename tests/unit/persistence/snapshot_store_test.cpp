// The snapshot store against the Akka persistence plugin TCK (SnapshotStoreSpec), ported:
// snapshots at versions 10..50 with timestamps 1000..5000, queried and deleted by criteria.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {
namespace {

using numbers = std::vector<std::uint64_t>;

class SnapshotStore : public database_test {
 protected:
  void SetUp() override {
    database_test::SetUp();
    // Saved out of order: "latest" must mean highest version, not last saved.
    for (std::uint64_t v : {30, 10, 50, 20, 40}) ASSERT_TRUE(store().save(at(stream_, v)));
    ASSERT_TRUE(store().save(at(neighbour_, 60)));
  }

  snapshot_store& store() { return db().snapshots(); }

  static snapshot at(const std::string& stream, std::uint64_t version) {
    return {.stream = stream,
            .version = version,
            .schema = 3,
            .timestamp_ms = static_cast<std::int64_t>(version) * 100,
            .bytes = "state of " + stream + " at " + std::to_string(version)};
  }

  std::optional<snapshot> latest(const std::string& stream, snapshot_criteria criteria = {}) {
    auto r = store().load_latest(stream, criteria);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::nullopt;
  }

  std::optional<std::uint64_t> latest_version(const std::string& stream,
                                              snapshot_criteria criteria = {}) {
    auto s = latest(stream, criteria);
    return s ? std::optional(s->version) : std::nullopt;
  }

  // The versions still stored, found by walking load_latest down the version bound.
  numbers stored_versions(const std::string& stream) {
    numbers out;
    snapshot_criteria c;
    while (auto v = latest_version(stream, c)) {
      out.insert(out.begin(), *v);
      if (*v == 0) break;
      c.max_version = *v - 1;
    }
    return out;
  }

  // "order-1" is a prefix of "order-10": the neighbour must never be touched.
  const std::string stream_ = "order-1";
  const std::string neighbour_ = "order-10";
};

TEST_F(SnapshotStore, UnknownStreamHasNone) {
  EXPECT_EQ(latest("order-2"), std::nullopt);
}

TEST_F(SnapshotStore, NoneWhenVersionBoundExcludesAll) {
  EXPECT_EQ(latest(stream_, {.max_version = 9}), std::nullopt);
}

TEST_F(SnapshotStore, NoneWhenTimeBoundExcludesAll) {
  EXPECT_EQ(latest(stream_, {.max_timestamp_ms = 999}), std::nullopt);
}

TEST_F(SnapshotStore, LatestIsTheHighestVersionWithEveryFieldIntact) {
  EXPECT_EQ(latest(stream_), at(stream_, 50));
  EXPECT_EQ(latest(neighbour_), at(neighbour_, 60));
}

TEST_F(SnapshotStore, LatestUnderVersionBound) {
  EXPECT_EQ(latest(stream_, {.max_version = 35}), at(stream_, 30));
  EXPECT_EQ(latest_version(stream_, {.max_version = 30}), 30u);
}

TEST_F(SnapshotStore, LatestUnderTimeBound) {
  EXPECT_EQ(latest_version(stream_, {.max_timestamp_ms = 2500}), 20u);
  EXPECT_EQ(latest_version(stream_, {.max_timestamp_ms = 2000}), 20u);
}

TEST_F(SnapshotStore, LatestUnderVersionAndTimeBounds) {
  EXPECT_EQ(latest_version(stream_, {.max_version = 40, .max_timestamp_ms = 2500}), 20u);
  EXPECT_EQ(latest_version(stream_, {.max_version = 15, .max_timestamp_ms = 4500}), 10u);
}

TEST_F(SnapshotStore, TimeBoundSkipsNewerVersionsWithOlderSnapshotsBelow) {
  // A newer version taken earlier than an older one: criteria apply to each snapshot.
  ASSERT_TRUE(store().save({.stream = stream_, .version = 60, .timestamp_ms = 100}));
  EXPECT_EQ(latest_version(stream_, {.max_timestamp_ms = 500}), 60u);
  EXPECT_EQ(latest_version(stream_, {.max_version = 55, .max_timestamp_ms = 500}), std::nullopt);
}

TEST_F(SnapshotStore, RemoveDeletesOneSnapshot) {
  ASSERT_TRUE(store().remove(stream_, 30));
  EXPECT_EQ(stored_versions(stream_), (numbers{10, 20, 40, 50}));
  EXPECT_EQ(latest_version(stream_, {.max_version = 35}), 20u);
  EXPECT_EQ(latest_version(neighbour_), 60u);
}

TEST_F(SnapshotStore, RemovingAnAbsentSnapshotSucceedsAndChangesNothing) {
  ASSERT_TRUE(store().remove(stream_, 35));
  ASSERT_TRUE(store().remove("order-2", 1));
  EXPECT_EQ(stored_versions(stream_), (numbers{10, 20, 30, 40, 50}));
}

TEST_F(SnapshotStore, RemoveMatchingVersionBound) {
  ASSERT_TRUE(store().remove_matching(stream_, {.max_version = 30}));
  EXPECT_EQ(stored_versions(stream_), (numbers{40, 50}));
  EXPECT_EQ(latest_version(neighbour_), 60u);
}

TEST_F(SnapshotStore, RemoveMatchingVersionAndTimeBounds) {
  ASSERT_TRUE(store().remove_matching(stream_, {.max_version = 40, .max_timestamp_ms = 2000}));
  EXPECT_EQ(stored_versions(stream_), (numbers{30, 40, 50}));
}

TEST_F(SnapshotStore, RemoveMatchingEverything) {
  ASSERT_TRUE(store().remove_matching(stream_, {}));
  EXPECT_EQ(latest(stream_), std::nullopt);
  EXPECT_EQ(latest_version(neighbour_), 60u);
}

TEST_F(SnapshotStore, SaveOverwritesTheSameVersion) {
  auto replacement = at(stream_, 30);
  replacement.bytes = "replaced";
  replacement.schema = 4;
  replacement.timestamp_ms = 3333;
  ASSERT_TRUE(store().save(replacement));
  EXPECT_EQ(latest(stream_, {.max_version = 30}), replacement);
  EXPECT_EQ(stored_versions(stream_), (numbers{10, 20, 30, 40, 50}));
}

TEST_F(SnapshotStore, OneMebibyteSnapshotRoundTrips) {
  snapshot big = at(stream_, 70);
  big.bytes.resize(1 << 20);
  for (std::size_t i = 0; i < big.bytes.size(); ++i) {
    big.bytes[i] = static_cast<char>((i * 131 + i / 4096) & 0xff);  // every byte value, NULs too
  }
  ASSERT_TRUE(store().save(big));
  EXPECT_EQ(latest(stream_), big);
  reopen();
  EXPECT_EQ(latest(stream_), big);
}

TEST_F(SnapshotStore, EmptyBytesRoundTrip) {
  snapshot empty = at(stream_, 70);
  empty.bytes.clear();
  ASSERT_TRUE(store().save(empty));
  EXPECT_EQ(latest(stream_), empty);
}

TEST_F(SnapshotStore, KeepLatestDeletesAllButTheNewest) {
  ASSERT_TRUE(store().keep_latest(stream_, 2));
  EXPECT_EQ(stored_versions(stream_), (numbers{40, 50}));
  EXPECT_EQ(latest_version(neighbour_), 60u);
}

TEST_F(SnapshotStore, KeepLatestMoreThanStoredKeepsAll) {
  ASSERT_TRUE(store().keep_latest(stream_, 10));
  EXPECT_EQ(stored_versions(stream_), (numbers{10, 20, 30, 40, 50}));
}

TEST_F(SnapshotStore, KeepLatestZeroDeletesAll) {
  ASSERT_TRUE(store().keep_latest(stream_, 0));
  EXPECT_EQ(latest(stream_), std::nullopt);
  EXPECT_EQ(latest_version(neighbour_), 60u);
}

TEST_F(SnapshotStore, SnapshotsSurviveReopen) {
  reopen();
  EXPECT_EQ(stored_versions(stream_), (numbers{10, 20, 30, 40, 50}));
  EXPECT_EQ(latest(stream_), at(stream_, 50));
}

TEST_F(SnapshotStore, VersionOrderIsNumericNotLexicographic) {
  ASSERT_TRUE(store().save(at(stream_, 256)));
  ASSERT_TRUE(store().save(at(stream_, 1'000'000'000'000)));
  EXPECT_EQ(latest_version(stream_), 1'000'000'000'000u);
  EXPECT_EQ(latest_version(stream_, {.max_version = 999'999'999'999}), 256u);
  EXPECT_EQ(latest_version(stream_, {.max_version = 255}), 50u);
}

}  // namespace
}  // namespace ordo::persistence::testing
