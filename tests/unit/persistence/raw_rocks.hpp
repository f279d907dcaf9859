// The corruption tests' way around the database: its directory opened with plain RocksDB, to
// read and overwrite stored values while `database` is closed.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ordo::persistence::testing {

using raw_record = std::pair<std::string, std::string>;  // key, value

// Opens every column family the directory has (listed, not assumed), with default options.
class raw_rocks {
 public:
  explicit raw_rocks(const std::filesystem::path& dir) {
    rocksdb::DBOptions options;
    std::vector<std::string> names;
    auto s = rocksdb::DB::ListColumnFamilies(options, dir.string(), &names);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* db = nullptr;
    s = rocksdb::DB::Open(options, dir.string(), families, &handles_, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(db);
  }

  ~raw_rocks() {
    if (!db_) return;
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }

  raw_rocks(const raw_rocks&) = delete;
  raw_rocks& operator=(const raw_rocks&) = delete;

  // Every record of `family` in key order whose key equals `marker` or whose value contains it.
  std::vector<raw_record> find_all(const std::string& family, const std::string& marker) {
    std::vector<raw_record> found;
    auto* cf = handle(family);
    if (!db_ || !cf) return found;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto key = it->key().ToString();
      auto value = it->value().ToString();
      if (key == marker || value.find(marker) != std::string::npos) found.emplace_back(key, value);
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return found;
  }

  // The first such record, or none.
  std::optional<raw_record> find(const std::string& family, const std::string& marker) {
    auto found = find_all(family, marker);
    if (found.empty()) return std::nullopt;
    return found.front();
  }

  void put(const std::string& family, const std::string& key, const std::string& value) {
    auto* cf = handle(family);
    if (!db_ || !cf) return;
    rocksdb::WriteOptions sync;
    sync.sync = true;
    auto s = db_->Put(sync, cf, key, value);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  void erase(const std::string& family, const std::string& key) {
    auto* cf = handle(family);
    if (!db_ || !cf) return;
    rocksdb::WriteOptions sync;
    sync.sync = true;
    auto s = db_->Delete(sync, cf, key);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

 private:
  rocksdb::ColumnFamilyHandle* handle(const std::string& family) {
    for (auto* h : handles_) {
      if (h->GetName() == family) return h;
    }
    ADD_FAILURE() << "no column family " << family;
    return nullptr;
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

inline std::uint64_t big_endian_u64(const std::string& bytes) {
  std::uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return v;
}

inline std::string big_endian_key(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

}  // namespace ordo::persistence::testing
