// A real database in a fresh temp dir, and small builders for the persistence tests.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "persistence/database.hpp"

namespace ordo::persistence::testing {

inline std::filesystem::path fresh_temp_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("ordo-" + tag + "-" + std::to_string(rd()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir;
}

// An event whose every field depends on `data`, so that round trips are checked field by field.
inline event_data make_event(const std::string& data, const std::string& type = "Tested") {
  event_data e;
  e.type = type;
  e.schema_version = 2;
  e.timestamp_ms = 1'700'000'000'000 + static_cast<std::int64_t>(data.size());
  e.command_id = "cmd-" + data;
  e.correlation_id = "corr-" + data;
  e.causation_id = "cause-" + data;
  e.data = data;
  return e;
}

// A request appending one event per payload.
inline append_request make_request(const std::string& stream, expected_version expected,
                                   const std::vector<std::string>& payloads) {
  append_request r{.stream = stream, .expected = expected};
  for (const auto& p : payloads) r.events.push_back(make_event(p));
  return r;
}

inline std::vector<std::uint64_t> versions_of(const std::vector<recorded_event>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.version);
  return out;
}

inline std::vector<std::uint64_t> positions_of(const std::vector<recorded_event>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.position);
  return out;
}

// Opens a database in a fresh directory before each test and removes the directory after it.
// sync_mode::none by default: the tests here are about behaviour, not power loss.
class database_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_temp_dir("persistence");
    open();
  }

  void TearDown() override {
    close();
    std::filesystem::remove_all(dir_);
  }

  database_options options() const {
    return {.path = dir_.string(), .sync = sync_, .max_batch_events = 8192};
  }

  void open() {
    auto opened = database::open(options());
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
  }

  void close() { db_.reset(); }

  void reopen() {
    close();
    open();
  }

  database& db() { return *db_; }
  journal& events() { return db_->events(); }

  // Appends and fails the test if the append fails.
  append_result append_ok(append_request request) {
    auto r = events().append(std::move(request));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : append_result{};
  }

  std::vector<recorded_event> read_ok(const std::string& stream, std::uint64_t from = 1,
                                      std::uint64_t to = unbounded, std::uint64_t max = unbounded) {
    auto r = events().read(stream, from, to, max);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<recorded_event>{};
  }

  std::vector<recorded_event> read_all_ok(std::uint64_t from = 1, std::uint64_t max = unbounded) {
    auto r = events().read_all(from, max);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<recorded_event>{};
  }

  std::uint64_t highest_ok(const std::string& stream) {
    auto r = events().highest_version(stream);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : 0;
  }

  sync_mode sync_ = sync_mode::none;
  std::filesystem::path dir_;
  std::unique_ptr<database> db_;
};

}  // namespace ordo::persistence::testing
