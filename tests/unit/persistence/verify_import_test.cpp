// journal_importer: events land at their own versions and positions, truncated streams keep a
// marker, the input's order is checked, and only an empty journal is written to.
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

}  // namespace
}  // namespace ordo::persistence::testing
