// verify_directory: a clean journal passes; each kind of planted damage is found and named with
// its stream, version and position.
#include "persistence/detail/encoding.hpp"
#include "verify_support.hpp"

namespace ordo::persistence::testing {
namespace {

using detail::position_key;
using detail::stream_key;

TEST_F(verify_test, CleanJournalPasses) {
  close();
  auto report = verify_ok();
  EXPECT_TRUE(report.ok()) << (report.problems.empty() ? "" : report.problems.front().detail);
  EXPECT_EQ(report.records, 11u);  // 12 appended, one truncated
  EXPECT_EQ(report.index_entries, 11u);
  EXPECT_EQ(report.streams, 3u);
  EXPECT_EQ(report.snapshots, 2u);
  EXPECT_EQ(report.last_position, 12u);
}

TEST_F(verify_test, FlippedByteInARecordIsACrcMismatchWithItsStreamAndVersion) {
  auto position = position_of("s-b", 3);
  close();
  raw_editor(dir_).flip_last_byte("positions", position_key(position));
  auto report = verify_ok();
  ASSERT_EQ(kinds(report), std::vector<std::string>{"crc_mismatch"});
  EXPECT_EQ(report.problems[0].stream, "s-b");
  EXPECT_EQ(report.problems[0].version, 3u);
  EXPECT_EQ(report.problems[0].position, position);
}

TEST_F(verify_test, RemovedRecordIsMissing) {
  auto position = position_of("s-a", 2);
  close();
  raw_editor(dir_).erase("positions", position_key(position));
  auto report = verify_ok();
  ASSERT_EQ(kinds(report), std::vector<std::string>{"missing_record"});
  EXPECT_EQ(report.problems[0].stream, "s-a");
  EXPECT_EQ(report.problems[0].version, 2u);
  EXPECT_EQ(report.problems[0].position, position);
}

TEST_F(verify_test, RecordWithoutIndexEntryIsAnOrphanPosition) {
  auto e = read_ok("s-a", 4, 4).front();
  close();
  e.position = 99;  // a second copy of s-a v4 that no index entry points to
  raw_editor(dir_).put("positions", position_key(99), detail::encode_event_record(e));
  auto report = verify_ok();
  ASSERT_EQ(kinds(report),
            (std::vector<std::string>{"orphan_position", "position_watermark_behind"}));
  auto* orphan = find(report, problem_kind::orphan_position);
  EXPECT_EQ(orphan->stream, "s-a");
  EXPECT_EQ(orphan->version, 4u);
  EXPECT_EQ(orphan->position, 99u);
}

TEST_F(verify_test, RemovedIndexEntryIsAGapAndAnOrphan) {
  auto position = position_of("s-b", 2);
  close();
  raw_editor(dir_).erase("events", stream_key("s-b", 2));
  auto report = verify_ok();
  ASSERT_EQ(kinds(report), (std::vector<std::string>{"orphan_position", "version_gap"}));
  EXPECT_EQ(find(report, problem_kind::version_gap)->version, 2u);
  EXPECT_EQ(find(report, problem_kind::orphan_position)->position, position);
}

TEST_F(verify_test, RemovedEventIsAVersionGap) {
  auto position = position_of("s-a", 3);
  close();
  {
    raw_editor raw(dir_);
    raw.erase("events", stream_key("s-a", 3));
    raw.erase("positions", position_key(position));
  }
  auto report = verify_ok();
  ASSERT_EQ(kinds(report), std::vector<std::string>{"version_gap"});
  EXPECT_EQ(report.problems[0].stream, "s-a");
  EXPECT_EQ(report.problems[0].version, 3u);
}

TEST_F(verify_test, IndexPointingAtAnotherRecordIsAMismatch) {
  auto other = position_of("s-b", 1);
  auto own = position_of("s-a", 1);
  close();
  raw_editor(dir_).put("events", stream_key("s-a", 1), detail::seal(position_key(other)));
  auto report = verify_ok();
  ASSERT_EQ(kinds(report), (std::vector<std::string>{"index_mismatch", "orphan_position"}));
  auto* mismatch = find(report, problem_kind::index_mismatch);
  EXPECT_EQ(mismatch->stream, "s-a");
  EXPECT_EQ(mismatch->version, 1u);
  EXPECT_EQ(mismatch->position, other);
  EXPECT_EQ(find(report, problem_kind::orphan_position)->position, own);
}

TEST_F(verify_test, FlippedIndexEntryIsCorrupt) {
  close();
  raw_editor(dir_).flip_last_byte("events", stream_key("s-c", 3));
  auto report = verify_ok();
  ASSERT_EQ(kinds(report), std::vector<std::string>{"corrupt_index_entry"});
  EXPECT_EQ(report.problems[0].stream, "s-c");
  EXPECT_EQ(report.problems[0].version, 3u);
}

TEST_F(verify_test, FlippedSnapshotIsUndecodable) {
  close();
  raw_editor(dir_).flip_last_byte("snapshots", stream_key("s-a", 2));
  auto report = verify_ok();
  ASSERT_EQ(kinds(report), std::vector<std::string>{"undecodable_snapshot"});
  EXPECT_EQ(report.problems[0].stream, "s-a");
  EXPECT_EQ(report.problems[0].version, 2u);
}

TEST_F(verify_test, SnapshotItsAggregateCannotLoadIsUndecodable) {
  close();
  verify_options options;
  options.check_snapshot = [](const snapshot& s) -> std::optional<std::string> {
    if (s.bytes == "state-b-4") return "not a state";
    return std::nullopt;
  };
  auto report = verify_ok(options);
  ASSERT_EQ(kinds(report), std::vector<std::string>{"undecodable_snapshot"});
  EXPECT_EQ(report.problems[0].stream, "s-b");
  EXPECT_EQ(report.problems[0].detail, "not a state");
}

TEST_F(verify_test, UndecodableEventIsReportedWhenAsked) {
  close();
  verify_options options;
  options.check_event = [](const recorded_event& e) -> std::optional<std::string> {
    if (e.stream == "s-c" && e.version == 4) return "cannot decode";
    return std::nullopt;
  };
  auto report = verify_ok(options);
  ASSERT_EQ(kinds(report), std::vector<std::string>{"undecodable_event"});
  EXPECT_EQ(report.problems[0].version, 4u);
}

TEST_F(verify_test, KvProblemsOfTheCallerAreReportedWithTheJournalsLastPosition) {
  ASSERT_TRUE(db().kv().put("checkpoint/v", "99"));
  close();
  verify_options options;
  std::uint64_t seen_last = 0;
  std::optional<std::string> seen_value;
  options.check_kv = [&](const kv_store& kv,
                         std::uint64_t last_position) -> result<std::vector<journal_problem>> {
    seen_last = last_position;
    auto value = kv.get("checkpoint/v");
    if (!value) return std::unexpected(value.error());
    seen_value = *value;
    return std::vector<journal_problem>{{.kind = problem_kind::checkpoint_beyond_journal,
                                         .position = 99,
                                         .detail = "view v is ahead",
                                         .key = "checkpoint/v"}};
  };
  auto report = verify_ok(options);
  EXPECT_EQ(seen_last, 12u);
  EXPECT_EQ(seen_value, std::optional<std::string>("99"));
  ASSERT_EQ(kinds(report), std::vector<std::string>{"checkpoint_beyond_journal"});
  EXPECT_EQ(report.problems[0].key, "checkpoint/v");
  EXPECT_EQ(report.problems[0].position, 99u);
}

TEST_F(verify_test, MaxProblemsKeepsTheFirstButCountsAll) {
  close();
  {
    raw_editor raw(dir_);
    for (std::uint64_t p : {1, 2, 4, 5, 6}) raw.flip_last_byte("positions", position_key(p));
  }
  verify_options options;
  options.max_problems = 2;
  auto report = verify_ok(options);
  EXPECT_EQ(report.problem_count, 5u);  // position 3 (s-c v1) was truncated away
  EXPECT_EQ(report.problems.size(), 2u);
}

TEST_F(verify_test, DirectoryANodeHoldsIsBusy) {
  auto report = verify_directory(dir_.string());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, storage_errc::busy);
}

TEST_F(verify_test, MissingDirectoryIsRefusedAndNotCreated) {
  auto missing = dir_ / "nowhere";
  auto report = verify_directory(missing.string());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, storage_errc::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(missing));
}

}  // namespace
}  // namespace ordo::persistence::testing
