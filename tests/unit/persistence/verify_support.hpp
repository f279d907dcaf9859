// Shared by the verify and import tests: a journal with several streams, a truncation and
// snapshots, and raw RocksDB edits (put, delete) to plant damage while the database is closed.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "database_fixture.hpp"
#include "persistence/verify.hpp"

namespace ordo::persistence::testing {

// Opens every column family of a closed database directory for raw edits.
class raw_editor {
 public:
  explicit raw_editor(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open({}, dir.string(), families, &handles_, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(db);
  }
  ~raw_editor() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
  raw_editor(const raw_editor&) = delete;
  raw_editor& operator=(const raw_editor&) = delete;

  std::string get(const std::string& family, const std::string& key) {
    std::string value;
    auto s = db_->Get({}, handle(family), key, &value);
    EXPECT_TRUE(s.ok()) << family << ": " << s.ToString();
    return value;
  }
  void put(const std::string& family, const std::string& key, const std::string& value) {
    EXPECT_TRUE(db_->Put({}, handle(family), key, value).ok());
  }
  void erase(const std::string& family, const std::string& key) {
    EXPECT_TRUE(db_->Delete({}, handle(family), key).ok());
  }
  void flip_last_byte(const std::string& family, const std::string& key) {
    auto value = get(family, key);
    value.back() = static_cast<char>(value.back() ^ 0x01);
    put(family, key, value);
  }

 private:
  rocksdb::ColumnFamilyHandle* handle(const std::string& family) {
    for (auto* h : handles_)
      if (h->GetName() == family) return h;
    ADD_FAILURE() << "no column family " << family;
    return handles_.front();
  }
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// Three streams interleaved (positions 1..12), "s-c" truncated before version 2, two snapshots.
class verify_test : public database_test {
 protected:
  void SetUp() override {
    database_test::SetUp();
    for (int round = 1; round <= 4; ++round) {
      for (std::string stream : {"s-a", "s-b", "s-c"})
        append_ok(
            make_request(stream, expected_version::any(), {stream + "-" + std::to_string(round)}));
    }
    ASSERT_TRUE(events().truncate_before("s-c", 2));
    ASSERT_TRUE(db().snapshots().save({"s-a", 2, 1, 1'700'000'000'000, "state-a-2"}));
    ASSERT_TRUE(db().snapshots().save({"s-b", 4, 1, 1'700'000'000'000, "state-b-4"}));
  }

  // The position of the stream's version, as the index says.
  std::uint64_t position_of(const std::string& stream, std::uint64_t version) {
    auto events = read_ok(stream, version, version);
    EXPECT_EQ(events.size(), 1u);
    return events.empty() ? 0 : events.front().position;
  }

  verify_report verify_ok(const verify_options& options = {}) {
    auto report = verify_directory(dir_.string(), options);
    EXPECT_TRUE(report) << report.error().message;
    return report ? *report : verify_report{};
  }

  static std::vector<std::string> kinds(const verify_report& report) {
    std::vector<std::string> out;
    for (auto& p : report.problems) out.emplace_back(to_string(p.kind));
    std::sort(out.begin(), out.end());
    return out;
  }

  static const journal_problem* find(const verify_report& report, problem_kind kind) {
    for (auto& p : report.problems)
      if (p.kind == kind) return &p;
    return nullptr;
  }
};

}  // namespace ordo::persistence::testing
