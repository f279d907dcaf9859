// What the offline CLI tests share: a data directory with a known journal, `ordo` run as a real
// process, and helpers to read and damage its files.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "domain/deciders.hpp"
#include "persistence/crc32c.hpp"
#include "persistence/database.hpp"

namespace ordo::offline_cli_testing {

namespace fs = std::filesystem;
namespace order = ordo::domain::order;
using ordo::domain::order_decider;

inline constexpr std::int64_t t0 = 1'700'000'000'000;

struct run_result {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (auto& line : lines) text += line + "\n";
  return text;
}

// An export line without its ,"crc":"…" field (format 1's shape), or with a CRC that matches
// its bytes again after an edit.
inline std::string without_crc(const std::string& line) {
  auto at = line.rfind(",\"crc\":\"");
  return at == std::string::npos ? line : line.substr(0, at) + "}";
}
inline std::string resealed(const std::string& line) {
  auto body = without_crc(line);
  char crc[9];
  std::snprintf(crc, sizeof crc, "%08x", static_cast<unsigned>(ordo::persistence::crc32c(body)));
  return body.substr(0, body.size() - 1) + ",\"crc\":\"" + crc + "\"}";
}

// A saga deadline as actors/deadline_store.cpp stores it.
inline const std::string deadline_value =
    R"({"body":"{}","command":"step_deadline","command_id":"saga-o1:deadline","due_ms":1,)"
    R"("id":"o1","type":"saga"})";

// Every file of the directory with its bytes and modification time.
inline std::map<std::string, std::pair<std::string, fs::file_time_type>> files_of(
    const fs::path& dir) {
  std::map<std::string, std::pair<std::string, fs::file_time_type>> out;
  for (auto& entry : fs::directory_iterator(dir))
    out[entry.path().filename().string()] = {slurp(entry.path()), entry.last_write_time()};
  return out;
}

inline std::vector<fs::path> wal_files(const fs::path& dir) {
  std::vector<fs::path> found;
  for (auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".log") found.push_back(entry.path());
  return found;
}

// Runs `body` on the open `streams` column family of the directory (plain RocksDB).
template <class Body>
inline void with_streams_family(const fs::path& dir, Body&& body) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir.string(), &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open({}, dir.string(), families, &handles, &db).ok());
  std::unique_ptr<rocksdb::DB> owned(db);
  for (auto* h : handles)
    if (h->GetName() == "streams") body(*owned, h);
  for (auto* h : handles) owned->DestroyColumnFamilyHandle(h);
}

inline fs::path fresh_dir(const std::string& tag) {
  static int counter = 0;
  auto dir = fs::temp_directory_path() /
             ("ordo-offline-" + tag + "-" + std::to_string(std::random_device{}()) + "-" +
              std::to_string(counter++));
  fs::remove_all(dir);
  return dir;
}

class offline_cli_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir("data");
    scratch_ = fresh_dir("scratch");
    fs::create_directories(scratch_);
    auto db = open_db();
    ordo::domain::order::state live{};
    for (std::uint64_t v = 1; v <= 30; ++v) {
      order::event e = v == 1 ? order::event(order::order_created{"o1", "c1", std::nullopt})
                              : order::event(order::item_added{"o1", "sku-" + std::to_string(v % 4),
                                                               1, 100, "USD"});
      append(*db, "order-o1", e, t0 + static_cast<std::int64_t>(v) * 1000);
      order_decider::evolve(live, e, t0 + static_cast<std::int64_t>(v) * 1000);
      if (v == 10) at_10_ = order_decider::to_json(live);
      append(*db, "order-o" + std::to_string(v + 1),
             order::order_created{"o" + std::to_string(v + 1), "c2", std::nullopt}, t0 + 1);
    }
  }
  void TearDown() override {
    fs::remove_all(dir_);
    fs::remove_all(scratch_);
  }

  std::unique_ptr<ordo::persistence::database> open_db() {
    auto db = ordo::persistence::database::open(
        {.path = dir_.string(), .sync = ordo::persistence::sync_mode::none});
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }

  static void append(ordo::persistence::database& db, const std::string& stream,
                     const order::event& e, std::int64_t at) {
    auto encoded = order_decider::encode(e);
    ordo::persistence::append_request request{.stream = stream};
    request.events.push_back({.type = encoded.type,
                              .schema_version = encoded.schema_version,
                              .timestamp_ms = at,
                              .command_id = "cmd",
                              .data = encoded.data});
    ASSERT_TRUE(db.events().append(std::move(request)));
  }

  // Runs `ordo ARGS`, capturing stdout and stderr.
  run_result ordo(const std::string& args, const std::string& stdin_file = {}) {
    auto out = scratch_ / "out", err = scratch_ / "err";
    std::string command = std::string(ORDO_BINARY_PATH) + " " + args + " >" + out.string() + " 2>" +
                          err.string() + (stdin_file.empty() ? "" : " <" + stdin_file);
    int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }

  std::string data() const { return "--data " + dir_.string(); }

  fs::path dir_, scratch_;
  nlohmann::json at_10_;
};

}  // namespace ordo::offline_cli_testing
