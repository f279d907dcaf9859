// master_key::load: created once with mode 0600 and 32 random bytes, then read; a file with
// group or other permissions, the wrong size or no read access is refused, naming the file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "persistence/personal_data.hpp"
#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {
namespace {

class MasterKey : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_temp_dir("master-key");
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "master.key").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write_file(const std::string& bytes, std::filesystem::perms perms) {
    std::ofstream(path_, std::ios::binary) << bytes;
    std::filesystem::permissions(path_, perms);
  }

  void expect_refused(const std::string& what) {
    auto key = master_key::load(path_, true);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, storage_errc::invalid_argument);
    EXPECT_NE(key.error().message.find(path_), std::string::npos) << key.error().message;
    EXPECT_NE(key.error().message.find(what), std::string::npos) << key.error().message;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(MasterKey, IsCreatedWithMode0600AndThenReadBack) {
  auto created = master_key::load(path_, true);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->path(), path_);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  auto read = master_key::load(path_, false);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->bytes(), created->bytes());
  EXPECT_NE(created->bytes(), (std::array<std::uint8_t, 32>{}));
  // Nothing else is left in the directory (the temporary file it was written to is gone).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(MasterKey, TwoKeysCreatedInDifferentPlacesDiffer) {
  auto a = master_key::load(path_, true);
  auto b = master_key::load((dir_ / "other.key").string(), true);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->bytes(), b->bytes());
}

TEST_F(MasterKey, AMissingFileIsNotCreatedUnlessAsked) {
  auto key = master_key::load(path_, false);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find(path_), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(MasterKey, AMissingDirectoryIsNamed) {
  path_ = (dir_ / "no-such-dir" / "master.key").string();
  expect_refused("cannot be created");
}

TEST_F(MasterKey, GroupOrOtherPermissionsAreRefused) {
  using std::filesystem::perms;
  write_file(std::string(32, 'k'), perms::owner_read | perms::owner_write | perms::group_read);
  expect_refused("0640");
  write_file(std::string(32, 'k'), perms::owner_read | perms::others_read);
  expect_refused("0404");
}

TEST_F(MasterKey, ReadOnlyForTheOwnerIsAccepted) {
  write_file(std::string(32, 'k'), std::filesystem::perms::owner_read);
  auto key = master_key::load(path_, false);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->bytes()[0], 'k');
}

TEST_F(MasterKey, TheWrongSizeIsRefused) {
  using std::filesystem::perms;
  write_file(std::string(31, 'k'), perms::owner_read | perms::owner_write);
  expect_refused("31 bytes");
  write_file(std::string(33, 'k'), perms::owner_read | perms::owner_write);
  expect_refused("33 bytes");
  write_file("", perms::owner_read | perms::owner_write);
  expect_refused("0 bytes");
}

TEST_F(MasterKey, AnUnreadableFileIsRefused) {
  // A path through a regular file cannot be opened, by root either.
  write_file(std::string(32, 'k'), std::filesystem::perms::owner_read);
  path_ += "/master.key";
  expect_refused("cannot be read");
}

TEST_F(MasterKey, AFileWithoutReadPermissionIsRefused) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files without read permission";
  write_file(std::string(32, 'k'), std::filesystem::perms::owner_write);
  expect_refused("cannot be read");
}

TEST_F(MasterKey, ProcessesCreatingItAtOnceEndUpWithOneKey) {
  std::vector<std::array<std::uint8_t, 32>> seen(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i)
    threads.emplace_back([&, i] {
      auto key = master_key::load(path_, true);
      if (key) seen[i] = key->bytes();
    });
  for (auto& t : threads) t.join();
  auto stored = master_key::load(path_, false);
  ASSERT_TRUE(stored) << stored.error().message;
  for (auto& bytes : seen) EXPECT_EQ(bytes, stored->bytes());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(MasterKey, ADirectoryIsRefused) {
  std::filesystem::create_directories(path_);
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all);
  expect_refused("not a regular file");
}

}  // namespace
}  // namespace ordo::persistence::testing
