// Crypto-shredding at the byte level: after destroy(), neither a customer's data key nor its
// wrapped form is in any file of the data directory (SSTs, WAL, MANIFEST, LOG, OPTIONS).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "persistence/detail/crypto.hpp"
#include "tests/unit/persistence/personal_data_support.hpp"

namespace ordo::persistence::testing {
namespace {

// The files of `dir` (recursively) that contain `needle`.
std::vector<std::string> files_containing(const std::filesystem::path& dir,
                                          const std::string& needle) {
  std::vector<std::string> found;
  for (auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) found.push_back(entry.path().filename());
  }
  return found;
}

class PersonalDataFiles : public personal_data_test {
 protected:
  struct key_bytes {
    std::string wrapped;  // as stored in the kv store
    std::string raw;      // unwrapped with the master key
  };

  // The customer's data key as it is stored, and unwrapped, read before it is destroyed.
  key_bytes key_of(const std::string& customer) {
    auto record = db().kv().get("privacy/key/" + customer);
    EXPECT_TRUE(record && *record);
    if (!record || !*record) return {};
    const std::string& value = **record;
    EXPECT_EQ(value.size(), 1u + 8 + 12 + 32 + 16);
    key_bytes key{.wrapped = value.substr(9)};
    detail::secret_key master(master_.bytes());
    auto raw = detail::gcm_open(master, "ordo-data-key\n" + customer + "\n1", key.wrapped);
    EXPECT_TRUE(raw);
    if (raw) key.raw = *raw;
    EXPECT_EQ(key.raw.size(), 32u);
    return key;
  }

  void expect_nowhere(const key_bytes& key) {
    EXPECT_EQ(files_containing(dir_, key.raw), std::vector<std::string>{}) << "raw key";
    EXPECT_EQ(files_containing(dir_, key.wrapped), std::vector<std::string>{}) << "wrapped key";
  }

  // Flushes every column family, so that what was written is in SST files.
  void flush() { ASSERT_TRUE(db().kv().purge_history("unrelated/")); }
};

TEST_F(PersonalDataFiles, ADestroyedKeyLeavesTheSstFiles) {
  auto sealed = seal_ok("shredded", "shipping.name", "Zebulon Quux");
  seal_ok("kept", "shipping.name", "Kept Person");
  auto key = key_of("shredded");
  flush();
  ASSERT_FALSE(files_containing(dir_, key.wrapped).empty())
      << "the wrapped key should be in an SST before destroy, or this test shows nothing";

  ASSERT_TRUE(keys_->destroy("shredded"));
  expect_nowhere(key);
  EXPECT_TRUE(open_ok("shredded", "shipping.name", sealed).erased);
  close();
  expect_nowhere(key);
}

TEST_F(PersonalDataFiles, ADestroyedKeyLeavesTheWriteAheadLog) {
  auto sealed = seal_ok("shredded", "shipping.email", "zq@example.org");
  // An event in the same WAL file, in another column family: the WAL file is retired only when
  // that column family is flushed too.
  append_ok(make_request("order-1", expected_version::no_stream(), {sealed}));
  auto key = key_of("shredded");
  ASSERT_FALSE(files_containing(dir_, key.wrapped).empty())
      << "the wrapped key should be in the WAL before destroy, or this test shows nothing";

  ASSERT_TRUE(keys_->destroy("shredded"));
  expect_nowhere(key);
  // And after the database closed and opened again (no WAL replays it back).
  reopen_with(master_);
  expect_nowhere(key);
  EXPECT_TRUE(open_ok("shredded", "shipping.email", sealed).erased);
}

TEST_F(PersonalDataFiles, KeysOfAFormerGenerationLeaveTheFilesToo) {
  seal_ok("c-1", "f", "first");
  auto first = key_of("c-1");
  flush();
  ASSERT_TRUE(keys_->destroy("c-1"));
  seal_ok("c-1", "f", "second");
  flush();
  ASSERT_TRUE(keys_->destroy("c-1"));
  expect_nowhere(first);
  auto record = db().kv().get("privacy/key/c-1");
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->size(), 9u);  // erased: no key material at all
}

}  // namespace
}  // namespace ordo::persistence::testing
