// The journal's storage integrity: where appends continue (the position high-water mark), what a
// damaged write-ahead log does to an open, and that read-only opens change nothing.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "persistence/repair.hpp"
#include "persistence/verify.hpp"
#include "tests/unit/persistence/database_fixture.hpp"
#include "tests/unit/persistence/raw_rocks.hpp"

extern char** environ;

namespace ordo::persistence::testing {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> wal_files(const fs::path& dir) {
  std::vector<fs::path> found;
  for (auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".log") found.push_back(entry.path());
  std::sort(found.begin(), found.end());
  return found;
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void flip_byte(const fs::path& file, std::uintmax_t offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5a));
}

// Every file of the directory with its bytes and modification time.
std::map<std::string, std::pair<std::string, fs::file_time_type>> files_of(const fs::path& dir) {
  std::map<std::string, std::pair<std::string, fs::file_time_type>> out;
  for (auto& entry : fs::directory_iterator(dir))
    out[entry.path().filename().string()] = {slurp(entry.path()), entry.last_write_time()};
  return out;
}

int probe_open(const fs::path& dir, bool read_only) {
  const std::string probe = ORDO_OPEN_PROBE_PATH;
  const std::string path = dir.string();
  std::string mode = "read-only";
  char* argv[] = {const_cast<char*>(probe.c_str()), const_cast<char*>(path.c_str()),
                  read_only ? mode.data() : nullptr, nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, probe.c_str(), nullptr, nullptr, argv, environ) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// 40 acknowledged single-event appends, synced one by one, left in the WAL (closing the
// database does not flush its memtables).
class StorageIntegrity : public database_test {
 protected:
  void SetUp() override {
    sync_ = sync_mode::always;
    database_test::SetUp();
    for (int i = 1; i <= 40; ++i)
      append_ok(make_request("order-" + std::to_string(i), expected_version::no_stream(),
                             {"payload-" + std::string(100, static_cast<char>('a' + i % 26))}));
    close();
  }

  result<std::unique_ptr<database>> try_open(bool read_only = false) {
    auto o = options();
    o.create_if_missing = false;
    o.read_only = read_only;
    return database::open(o);
  }
};

TEST_F(StorageIntegrity, AnUnreadableHighWaterMarkRefusesToOpenInsteadOfRestartingAtZero) {
  raw_rocks(dir_).put("streams", "", "not a sealed position");
  auto opened = try_open();
  ASSERT_FALSE(opened) << "opened; appends would start over at position 1";
  EXPECT_EQ(opened.error().code, storage_errc::corrupt);
  EXPECT_NE(opened.error().message.find("high-water mark"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find('\n'), std::string::npos);
  // The log is untouched, and verify names the damage.
  auto report = verify_directory(dir_.string());
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->problems.front().kind, problem_kind::corrupt_marker);
  EXPECT_EQ(report->records, 40u);
  // repair rewrites the mark from the log's end; appends then continue after it.
  auto repaired = repair_directory(dir_.string());
  ASSERT_TRUE(repaired) << repaired.error().message;
  EXPECT_TRUE(repaired->watermark_rewritten);
  EXPECT_EQ(repaired->last_position, 40u);
  open();
  EXPECT_EQ(append_ok(make_request("order-41", expected_version::any(), {"x"})).first_position,
            41u);
}

TEST_F(StorageIntegrity, AMissingHighWaterMarkIsRecomputedFromTheLog) {
  raw_rocks(dir_).erase("streams", "");
  open();
  EXPECT_EQ(events().last_position(), 40u);
  auto r = append_ok(make_request("order-41", expected_version::any(), {"x"}));
  EXPECT_EQ(r.first_position, 41u);
  auto all = read_all_ok();
  ASSERT_EQ(all.size(), 41u);
  EXPECT_EQ(all.front().stream, "order-1");
}

TEST_F(StorageIntegrity, RocksDbRefusesDamageBeforeTheWalTailOnlyInTheModeWeOpenWith) {
  // What RocksDB 7.8 does with each recovery mode, on copies of the same WAL: a torn last
  // record (a crash mid-write) and a flipped byte in the middle.
  auto wals = wal_files(dir_);
  ASSERT_EQ(wals.size(), 1u);
  auto size = fs::file_size(wals[0]);
  auto copy = [&](const std::string& tag) {
    auto to = fs::path(dir_.string() + "-" + tag);
    fs::copy(dir_, to, fs::copy_options::recursive);
    return to;
  };
  auto torn = copy("torn"), flipped = copy("flipped");
  fs::resize_file(torn / wals[0].filename(), size - 20);
  flip_byte(flipped / wals[0].filename(), size / 2);
  auto keys_after_open = [](const fs::path& dir, rocksdb::WALRecoveryMode mode) -> int {
    rocksdb::Options options;
    options.wal_recovery_mode = mode;
    std::vector<std::string> names;
    if (!rocksdb::DB::ListColumnFamilies(options, dir.string(), &names).ok()) return -2;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::OpenForReadOnly(options, dir.string(), families, &handles, &raw).ok())
      return -1;  // refused
    int keys = 0;
    for (auto* h : handles) {
      if (h->GetName() != "positions") continue;
      std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator({}, h));
      for (it->SeekToFirst(); it->Valid(); it->Next()) ++keys;
    }
    for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
    delete raw;
    return keys;
  };
  using mode = rocksdb::WALRecoveryMode;
  EXPECT_EQ(keys_after_open(torn, mode::kTolerateCorruptedTailRecords), 39);
  EXPECT_EQ(keys_after_open(torn, mode::kAbsoluteConsistency), -1);
  EXPECT_EQ(keys_after_open(flipped, mode::kTolerateCorruptedTailRecords), -1);
  EXPECT_EQ(keys_after_open(flipped, mode::kAbsoluteConsistency), -1);
  auto dropped = keys_after_open(flipped, mode::kPointInTimeRecovery);  // RocksDB's default
  EXPECT_GE(dropped, 0);
  EXPECT_LT(dropped, 40);
  fs::remove_all(torn);
  fs::remove_all(flipped);
}

TEST_F(StorageIntegrity, ATornLastWalRecordOpensWithoutIt) {
  auto wals = wal_files(dir_);
  ASSERT_EQ(wals.size(), 1u);
  fs::resize_file(wals[0], fs::file_size(wals[0]) - 20);
  auto opened = try_open();
  ASSERT_TRUE(opened) << opened.error().message;
  db_ = std::move(*opened);
  EXPECT_EQ(read_all_ok().size(), 39u);
  EXPECT_EQ(events().last_position(), 39u);
}

TEST_F(StorageIntegrity, ADamagedWalRefusesEveryOpenUntilRepairAcceptsTheLoss) {
  auto wals = wal_files(dir_);
  ASSERT_EQ(wals.size(), 1u);
  flip_byte(wals[0], fs::file_size(wals[0]) / 2);
  auto before = files_of(dir_);
  for (bool read_only : {true, false, true}) {
    auto opened = try_open(read_only);
    ASSERT_FALSE(opened) << "opened " << (read_only ? "read-only" : "read-write")
                         << " with events dropped";
    EXPECT_EQ(opened.error().code, storage_errc::corrupt);
    EXPECT_NE(opened.error().message.find(wals[0].filename().string()), std::string::npos)
        << opened.error().message;
    EXPECT_NE(opened.error().message.find("ordo repair"), std::string::npos);
  }
  auto verified = verify_directory(dir_.string());
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().code, storage_errc::corrupt);
  EXPECT_TRUE(fs::exists(wals[0]));  // the evidence stays
  EXPECT_EQ(slurp(wals[0]), before[wals[0].filename().string()].first);

  auto repaired = repair_directory(dir_.string());
  ASSERT_TRUE(repaired) << repaired.error().message;
  ASSERT_FALSE(repaired->wal_drops.empty());
  EXPECT_NE(repaired->wal_drops.front().find(wals[0].filename().string()), std::string::npos);
  EXPECT_LT(repaired->last_position, 40u);
  auto opened = try_open();
  ASSERT_TRUE(opened) << opened.error().message;
  db_ = std::move(*opened);
  EXPECT_EQ(read_all_ok().size(), repaired->last_position);
  close();
  auto report = verify_directory(dir_.string());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->ok());
}

TEST_F(StorageIntegrity, ReadOnlyOpensSeeTheWalAndChangeNothing) {
  auto before = files_of(dir_);
  {
    auto opened = try_open(/*read_only=*/true);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    EXPECT_EQ(read_all_ok().size(), 40u);  // every event is still only in the WAL
    EXPECT_FALSE(events().append(make_request("order-x", expected_version::any(), {"x"})));
    close();
  }
  auto report = verify_directory(dir_.string());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->records, 40u);
  auto after = files_of(dir_);
  ASSERT_EQ(after.size(), before.size());
  for (auto& [name, file] : before) {
    ASSERT_TRUE(after.contains(name)) << name;
    EXPECT_EQ(after[name].first, file.first) << name << " changed";
    EXPECT_EQ(after[name].second, file.second) << name << " was written";
  }
}

TEST_F(StorageIntegrity, AReadOnlyOpenIsRefusedWhileAnotherProcessHoldsTheDirectory) {
  open();
  EXPECT_EQ(probe_open(dir_, /*read_only=*/true), 3);
  close();
  EXPECT_EQ(probe_open(dir_, /*read_only=*/true), 0);
}

TEST_F(StorageIntegrity, AfterAWriteThatMayBeDurableTheJournalRefusesUntilReopened) {
  open();
  std::atomic<bool> failing{true};
  events().set_write_fault([&] { return failing.load(); }, storage_errc::outcome_unknown);
  auto unknown = events().append(make_request("order-41", expected_version::any(), {"x"}));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, storage_errc::outcome_unknown);
  failing = false;
  auto refused = events().append(make_request("order-42", expected_version::any(), {"y"}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, storage_errc::io_error);
  EXPECT_TRUE(events().write_failure());
  // The failed batch's position is never given out again, in case it reappears.
  EXPECT_EQ(events().last_position(), 41u);
  reopen();
  EXPECT_FALSE(events().write_failure());
  EXPECT_GT(append_ok(make_request("order-42", expected_version::any(), {"y"})).first_position,
            40u);
}

TEST_F(StorageIntegrity, AnInjectedRefusalFailsOnlyWhileItLasts) {
  open();
  std::atomic<bool> failing{true};
  events().set_write_fault([&] { return failing.load(); });
  auto refused = events().append(make_request("order-41", expected_version::any(), {"x"}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, storage_errc::io_error);
  failing = false;
  EXPECT_EQ(append_ok(make_request("order-41", expected_version::any(), {"x"})).first_position,
            41u);
  EXPECT_FALSE(events().write_failure());
}

// The journal on a small tmpfs (root only: CI runs as root; skipped with the reason elsewhere).
class DiskFullJournal : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    mount_ = fresh_temp_dir("tmpfs");
    fs::create_directories(mount_);
    if (::mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=16m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs on " << mount_ << ": " << std::strerror(errno);
    mounted_ = true;
  }
  void TearDown() override {
    db_.reset();
    if (mounted_) ::umount2(mount_.c_str(), MNT_DETACH);
    fs::remove_all(mount_);
  }
  void open() {
    auto opened = database::open({.path = (mount_ / "data").string()});
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
  }
  void fill() {
    std::ofstream filler(mount_ / "filler", std::ios::binary);
    std::vector<char> chunk(64 << 10, 'x');
    while (filler.write(chunk.data(), static_cast<std::streamsize>(chunk.size())) &&
           filler.flush()) {
    }
  }

  fs::path mount_;
  bool mounted_ = false;
  std::unique_ptr<database> db_;
};

TEST_F(DiskFullJournal, RefusesWhileTheDiskIsFullAndResumesByItselfWhenSpaceReturns) {
  open();
  auto& events = db_->events();
  std::uint64_t acknowledged = 0;
  auto append = [&](int i) {
    auto r = events.append(
        make_request("s" + std::to_string(i), expected_version::any(), {std::string(4000, 'e')}));
    if (r) ++acknowledged;
    return r;
  };
  ASSERT_TRUE(append(0));
  fill();
  result<append_result> refused;
  for (int i = 1; i < 1000 && (refused = append(i)); ++i) {
  }
  ASSERT_FALSE(refused) << "every append succeeded on a full disk";
  EXPECT_EQ(refused.error().code, storage_errc::io_error) << refused.error().message;
  ASSERT_TRUE(events.write_failure());
  auto again = append(2000);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, storage_errc::io_error);
  EXPECT_EQ(events.read_all(1)->size(), acknowledged);  // reads keep working

  fs::remove(mount_ / "filler");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (events.write_failure() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_FALSE(events.write_failure()) << *events.write_failure();
  ASSERT_TRUE(append(3000));
  db_.reset();
  open();  // the WAL that saw the failure opens cleanly
  EXPECT_EQ(db_->events().read_all(1)->size(), acknowledged);
}

}  // namespace
}  // namespace ordo::persistence::testing
