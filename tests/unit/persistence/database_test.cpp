// The database as a whole: one owner per directory, and everything kept across reopening.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <string>

#include "tests/unit/persistence/database_fixture.hpp"

extern char** environ;

namespace ordo::persistence::testing {
namespace {

// Runs the open probe on `dir` in a second process; returns its exit code, or -1.
int probe_open(const std::filesystem::path& dir) {
  const std::string probe = ORDO_OPEN_PROBE_PATH;
  const std::string path = dir.string();
  char* argv[] = {const_cast<char*>(probe.c_str()), const_cast<char*>(path.c_str()), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, probe.c_str(), nullptr, nullptr, argv, environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

class Database : public database_test {};

TEST_F(Database, PathIsTheDataDirectory) {
  EXPECT_EQ(db().path(), dir_.string());
}

TEST_F(Database, OpeningTheSameDirectoryTwiceInOneProcessIsBusy) {
  auto second = database::open(options());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, storage_errc::busy) << second.error().message;
  // The failed attempt must not disturb the owner.
  append_ok(make_request("s", expected_version::any(), {"1"}));
  EXPECT_EQ(highest_ok("s"), 1u);
}

TEST_F(Database, OpeningFromASecondProcessIsBusy) {
  EXPECT_EQ(probe_open(dir_), 3);
  append_ok(make_request("s", expected_version::any(), {"1"}));
  EXPECT_EQ(highest_ok("s"), 1u);
}

TEST_F(Database, ClosingReleasesTheDirectory) {
  close();
  EXPECT_EQ(probe_open(dir_), 0);
  auto again = database::open(options());
  ASSERT_TRUE(again) << again.error().message;
}

TEST_F(Database, OpeningAMissingDirectoryWithoutCreateFails) {
  auto o = options();
  o.path = (dir_ / "missing").string();
  o.create_if_missing = false;
  EXPECT_FALSE(database::open(o));
  EXPECT_FALSE(std::filesystem::exists(o.path));
}

TEST_F(Database, ReopeningKeepsEverything) {
  for (int i = 0; i < 3; ++i) {
    auto request =
        make_request("order-" + std::to_string(i), expected_version::no_stream(), {"a", "b", "c"});
    request.kv_writes = {{"checkpoint/" + std::to_string(i), std::to_string(i)}};
    append_ok(std::move(request));
  }
  ASSERT_TRUE(events().truncate_before("order-0", 3));
  const snapshot snap{.stream = "order-1", .version = 3, .timestamp_ms = 7, .bytes = "state"};
  ASSERT_TRUE(db().snapshots().save(snap));
  ASSERT_TRUE(db().kv().put("idempotency/x", "done"));
  const auto log = read_all_ok();
  const auto order_1 = read_ok("order-1");

  reopen();
  EXPECT_EQ(read_all_ok(), log);
  EXPECT_EQ(read_ok("order-1"), order_1);
  EXPECT_EQ(versions_of(read_ok("order-0")), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(highest_ok("order-0"), 3u);
  EXPECT_EQ(events().last_position(), 9u);
  auto loaded = db().snapshots().load_latest("order-1");
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_EQ(**loaded, snap);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(db().kv().get("checkpoint/" + std::to_string(i)).value(), std::to_string(i));
  }
  EXPECT_EQ(db().kv().get("idempotency/x").value(), "done");
}

TEST_F(Database, AlwaysSyncedAppendsAreKeptAcrossReopen) {
  sync_ = sync_mode::always;
  reopen();
  for (std::uint64_t v = 1; v <= 20; ++v) {
    append_ok(make_request("s", expected_version::exact(v - 1), {std::to_string(v)}));
  }
  reopen();
  EXPECT_EQ(highest_ok("s"), 20u);
  EXPECT_EQ(read_ok("s").size(), 20u);
}

}  // namespace
}  // namespace ordo::persistence::testing
