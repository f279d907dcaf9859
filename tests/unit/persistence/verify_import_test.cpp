// journal_importer: events land at their own versions and positions, truncated streams keep a
// marker, the input's order is checked, and only an empty journal is written to; kv records of
// node state travel too. verify asks its caller about each kv record of node state.
#include "persistence/import.hpp"
#include "verify_support.hpp"

namespace ordo::persistence::testing {
namespace {

class import_test : public verify_test {
 protected:
  void TearDown() override {
    verify_test::TearDown();
    std::filesystem::remove_all(target_);
  }
  std::filesystem::path target_ = fresh_temp_dir("import");
};

TEST_F(import_test, CopiesEveryEventAtItsVersionAndPosition) {
  auto source = read_all_ok();
  auto snapshot_of_c = highest_ok("s-c");
  {
    auto importer = journal_importer::open(target_.string(), /*batch_events=*/4);
    ASSERT_TRUE(importer) << importer.error().message;
    for (auto& e : source) ASSERT_TRUE((*importer)->add(e));
    auto stats = (*importer)->finish();
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ(stats->events, source.size());
    EXPECT_EQ(stats->streams, 3u);
    EXPECT_EQ(stats->truncated_streams, 1u);
    EXPECT_EQ(stats->last_position, 12u);
  }
  auto copy = database::open({.path = target_.string(), .sync = sync_mode::none});
  ASSERT_TRUE(copy) << copy.error().message;
  auto imported = (*copy)->events().read_all(1);
  ASSERT_TRUE(imported);
  EXPECT_EQ(*imported, source);
  EXPECT_EQ(*(*copy)->events().highest_version("s-c"), snapshot_of_c);
  EXPECT_EQ((*copy)->events().last_position(), 12u);
  // Appends continue after the imported positions and versions.
  auto next = (*copy)->events().append(make_request("s-a", expected_version::exact(4), {"next"}));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->first_version, 5u);
  EXPECT_EQ(next->first_position, 13u);
  copy->reset();
  auto report = verify_directory(target_.string());
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->ok()) << report->problems.front().detail;
}

TEST_F(import_test, RefusesAJournalThatIsNotEmpty) {
  close();
  auto importer = journal_importer::open(dir_.string());
  ASSERT_FALSE(importer);
  EXPECT_EQ(importer.error().code, storage_errc::invalid_argument);
}

TEST_F(import_test, RefusesADirectoryANodeHolds) {
  auto importer = journal_importer::open(dir_.string());
  ASSERT_FALSE(importer);
  EXPECT_EQ(importer.error().code, storage_errc::busy);
}

TEST_F(import_test, RejectsAVersionGapAndPositionsGoingBack) {
  auto source = read_ok("s-a");
  auto importer = journal_importer::open(target_.string());
  ASSERT_TRUE(importer) << importer.error().message;
  ASSERT_TRUE((*importer)->add(source[0]));
  auto gap = (*importer)->add(source[2]);
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().code, storage_errc::invalid_argument);
  EXPECT_EQ(gap.error().version, 3u);
  auto back = source[1];
  back.position = source[0].position;
  EXPECT_FALSE((*importer)->add(back));
}

TEST_F(import_test, AStrictValidatorWantsEveryStreamFromVersionOne) {
  import_validator strict(/*allow_truncated_streams=*/false);
  auto source = read_all_ok();  // s-c starts at version 2: truncated
  bool refused = false;
  for (auto& e : source) {
    auto checked = strict.check(e);
    if (checked) continue;
    refused = true;
    EXPECT_EQ(e.stream, "s-c");
    EXPECT_EQ(checked.error().version, 2u);
    EXPECT_NE(checked.error().message.find("must start at 1"), std::string::npos);
    break;
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(strict.highest_version("s-a"), 2u);  // s-c version 2 comes at position 6
  EXPECT_EQ(strict.highest_version("s-c"), 0u);
}

TEST_F(import_test, ImportsKvRecordsInKeyOrderOnly) {
  auto source = read_all_ok();
  {
    auto importer = journal_importer::open(target_.string(), /*batch_events=*/2);
    ASSERT_TRUE(importer) << importer.error().message;
    for (auto& e : source) ASSERT_TRUE((*importer)->add(e));
    ASSERT_TRUE((*importer)->add_kv("deadline/s-a", "{\"due_ms\":1}"));
    ASSERT_TRUE((*importer)->add_kv("idem/k1", "{}"));
    EXPECT_FALSE((*importer)->add_kv("idem/k1", "again"));
    EXPECT_FALSE((*importer)->add_kv("deadline/s-b", "out of order"));
    EXPECT_FALSE((*importer)->add_kv("", "no key"));
    auto stats = (*importer)->finish();
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ(stats->kv_records, 2u);
  }
  auto copy = database::open({.path = target_.string(), .sync = sync_mode::none});
  ASSERT_TRUE(copy) << copy.error().message;
  EXPECT_EQ(*(*copy)->kv().get("deadline/s-a"), std::optional<std::string>("{\"due_ms\":1}"));
  EXPECT_EQ(*(*copy)->kv().get("idem/k1"), std::optional<std::string>("{}"));
}

// The caller's check_kv_record: everything under "node/" is node state, "n/<stream>" belongs to
// the stream, and "node/bad" cannot be read.
std::optional<kv_record_verdict> node_records(std::string_view key,
                                              std::optional<std::string_view>) {
  if (!key.starts_with("node/")) return std::nullopt;
  kv_record_verdict verdict;
  if (key == "node/bad") verdict.problem = "unreadable";
  if (key.starts_with("node/of/")) verdict.stream = std::string(key.substr(8));
  return verdict;
}

TEST_F(verify_test, AsksTheCallerAboutEveryKvRecordOfNodeState) {
  ASSERT_TRUE(db().kv().put("node/of/s-a", "ok"));
  ASSERT_TRUE(db().kv().put("node/of/s-nobody", "a deadline of a stream with no events"));
  ASSERT_TRUE(db().kv().put("node/bad", "x"));
  ASSERT_TRUE(db().kv().put("node/damaged", "x"));
  ASSERT_TRUE(db().kv().put("view/rows/damaged", "not the caller's concern"));
  close();
  {
    raw_editor raw(dir_);
    raw.flip_last_byte("kv", "node/damaged");
    raw.flip_last_byte("kv", "view/rows/damaged");
  }
  EXPECT_TRUE(verify_ok().ok());  // without check_kv_record the kv store is not scanned
  auto report = verify_ok({.check_kv_record = node_records});
  EXPECT_EQ(kinds(report),
            (std::vector<std::string>{"corrupt_kv_record", "kv_record_without_stream",
                                      "unreadable_kv_record"}));
  auto orphan = find(report, problem_kind::kv_record_without_stream);
  ASSERT_NE(orphan, nullptr);
  EXPECT_EQ(orphan->key, "node/of/s-nobody");
  EXPECT_EQ(orphan->stream, "s-nobody");
  EXPECT_EQ(find(report, problem_kind::corrupt_kv_record)->key, "node/damaged");
  EXPECT_EQ(find(report, problem_kind::unreadable_kv_record)->key, "node/bad");
}

}  // namespace
}  // namespace ordo::persistence::testing
