// Damage at every byte offset: many records of one size are stored, record i gets its byte i
// flipped, and one reopen checks that each of them is reported as corrupt where it lies. A flip in
// a length, a version, the stream name or the checksum itself must not slip through.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "tests/unit/persistence/database_fixture.hpp"
#include "tests/unit/persistence/raw_rocks.hpp"

namespace ordo::persistence::testing {
namespace {

// More records than any of the records below has bytes, so that every offset is hit.
constexpr std::uint64_t record_count = 300;

std::string numbered(const char* prefix, std::uint64_t i) {
  char out[32];
  std::snprintf(out, sizeof out, "%s-%04llu", prefix, static_cast<unsigned long long>(i));
  return out;
}

// Flips byte (ordinal % size) of each record, where ordinal comes from `ordinal_of` the record.
template <class OrdinalOf>
std::size_t flip_one_byte_each(const std::filesystem::path& dir, const std::string& family,
                               const std::string& marker, OrdinalOf ordinal_of) {
  raw_rocks raw(dir);
  auto records = raw.find_all(family, marker);
  EXPECT_EQ(records.size(), record_count) << family;
  std::size_t widest = 0;
  for (auto& [key, value] : records) {
    if (value.empty()) continue;
    widest = std::max(widest, value.size());
    value[ordinal_of(key, value) % value.size()] ^= static_cast<char>(0x5a);
    raw.put(family, key, value);
  }
  return widest;
}

class CorruptionSweep : public database_test {
 protected:
  static void expect_corrupt(const storage_error& e) {
    EXPECT_EQ(e.code, storage_errc::corrupt) << to_string(e.code) << ": " << e.message;
  }
};

TEST_F(CorruptionSweep, EveryDamagedByteOfAnEventRecordIsDetected) {
  const std::string stream = "order-sweep";
  append_request request{.stream = stream, .expected = expected_version::no_stream()};
  for (std::uint64_t v = 1; v <= record_count; ++v) {
    request.events.push_back(make_event(numbered("SWEEP", v)));
  }
  append_ok(std::move(request));
  close();
  // Positions 1..record_count hold versions 1..record_count.
  auto widest = flip_one_byte_each(dir_, "positions", "SWEEP-", [](const auto& key, const auto&) {
    return big_endian_u64(key) - 1;
  });
  EXPECT_LE(widest, record_count) << "not every byte offset was damaged";

  open();
  for (std::uint64_t v = 1; v <= record_count; ++v) {
    SCOPED_TRACE("byte " + std::to_string(v - 1) + " flipped");
    auto by_stream = events().read(stream, v, v);
    ASSERT_FALSE(by_stream) << "read returned " << by_stream->size() << " events";
    expect_corrupt(by_stream.error());
    EXPECT_EQ(by_stream.error().stream, stream);
    EXPECT_EQ(by_stream.error().version, v);
    auto by_position = events().read_all(v, 1);
    ASSERT_FALSE(by_position) << "read_all returned " << by_position->size() << " events";
    expect_corrupt(by_position.error());
    EXPECT_EQ(by_position.error().position, v);
  }
}

TEST_F(CorruptionSweep, EveryDamagedByteOfAStreamIndexEntryIsDetected) {
  // events: stream | 0x00 | version (u64 BE) -> position, CRC32C-protected.
  const std::string stream = "order-sweep";
  append_request request{.stream = stream, .expected = expected_version::no_stream()};
  for (std::uint64_t v = 1; v <= record_count; ++v) request.events.push_back(make_event("x"));
  append_ok(std::move(request));
  close();
  {
    raw_rocks raw(dir_);
    for (std::uint64_t v = 1; v <= record_count; ++v) {
      const auto key = stream + '\0' + big_endian_key(v);
      auto entry = raw.find("events", key);
      ASSERT_TRUE(entry) << "no index entry for version " << v;
      auto& value = entry->second;
      ASSERT_FALSE(value.empty());
      EXPECT_LE(value.size(), record_count);
      value[(v - 1) % value.size()] ^= static_cast<char>(0x5a);
      raw.put("events", key, value);
    }
  }

  open();
  for (std::uint64_t v = 1; v <= record_count; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    auto r = events().read(stream, v, v);
    ASSERT_FALSE(r) << "read returned " << r->size() << " events";
    expect_corrupt(r.error());
    EXPECT_EQ(r.error().stream, stream);
    EXPECT_EQ(r.error().version, v);
  }
}

TEST_F(CorruptionSweep, EveryDamagedByteOfASnapshotIsDetected) {
  const std::string stream = "order-sweep";
  for (std::uint64_t v = 1; v <= record_count; ++v) {
    ASSERT_TRUE(db().snapshots().save(
        {.stream = stream, .version = v, .timestamp_ms = 1, .bytes = numbered("SNAP", v)}));
  }
  close();
  auto widest = flip_one_byte_each(dir_, "snapshots", "SNAP-", [](const auto&, const auto& value) {
    // The version is in the bytes, read before they are damaged.
    return std::stoull(value.substr(value.find("SNAP-") + 5, 4)) - 1;
  });
  EXPECT_LE(widest, record_count) << "not every byte offset was damaged";

  open();
  for (std::uint64_t v = 1; v <= record_count; ++v) {
    SCOPED_TRACE("byte " + std::to_string(v - 1) + " flipped");
    auto r = db().snapshots().load_latest(stream, {.max_version = v});
    ASSERT_FALSE(r) << "load_latest returned a snapshot";
    expect_corrupt(r.error());
    EXPECT_EQ(r.error().stream, stream);
    EXPECT_EQ(r.error().version, v);
  }
}

}  // namespace
}  // namespace ordo::persistence::testing
