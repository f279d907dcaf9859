// Damaged records: the test closes the database, flips bytes of stored values through raw RocksDB,
// reopens, and expects every read that meets the damage to fail with `corrupt`, naming where,
// rather than skip the record or return altered bytes.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/unit/persistence/database_fixture.hpp"
#include "tests/unit/persistence/raw_rocks.hpp"

namespace ordo::persistence::testing {
namespace {

using numbers = std::vector<std::uint64_t>;

class Corruption : public database_test {
 protected:
  // order-1 v1..3 at positions 1..3 and order-2 v1..2 at 4..5; snapshots of order-1 at v1 and v3.
  void SetUp() override {
    database_test::SetUp();
    append_ok(make_request("order-1", expected_version::no_stream(),
                           {payload("order-1", 1), payload("order-1", 2), payload("order-1", 3)}));
    append_ok(make_request("order-2", expected_version::no_stream(),
                           {payload("order-2", 1), payload("order-2", 2)}));
    for (std::uint64_t v : {1, 3}) {
      ASSERT_TRUE(db().snapshots().save(
          {.stream = "order-1", .version = v, .bytes = "STATE-order-1-v" + std::to_string(v)}));
    }
    close();
  }

  static std::string payload(const std::string& stream, std::uint64_t v) {
    return "PAYLOAD-" + stream + "-v" + std::to_string(v);
  }

  // With the database closed: rewrites the record found by `marker` with `damage` applied to its
  // value. Returns the record's key.
  template <class Damage>
  std::string damage(const std::string& family, const std::string& marker, Damage damage) {
    raw_rocks raw(dir_);
    auto record = raw.find(family, marker);
    EXPECT_TRUE(record) << "no record with " << marker << " in " << family;
    if (!record) return {};
    auto value = record->second;
    damage(value);
    raw.put(family, record->first, value);
    return record->first;
  }

  // Flips every bit of one byte in the middle of `marker` inside the value.
  std::string flip_in_marker(const std::string& family, const std::string& marker) {
    return damage(family, marker, [&](std::string& value) {
      value[value.find(marker) + marker.size() / 2] ^= static_cast<char>(0xff);
    });
  }

  static void expect_corrupt(const storage_error& e) {
    EXPECT_EQ(e.code, storage_errc::corrupt) << to_string(e.code) << ": " << e.message;
  }
};

TEST_F(Corruption, DamagedEventRecordFailsReadNamingStreamAndVersion) {
  auto key = flip_in_marker("positions", payload("order-1", 2));
  EXPECT_EQ(big_endian_u64(key), 2u);
  open();
  auto r = events().read("order-1");
  ASSERT_FALSE(r) << "read returned " << r->size() << " events";
  expect_corrupt(r.error());
  EXPECT_EQ(r.error().stream, "order-1");
  EXPECT_EQ(r.error().version, 2u);
}

TEST_F(Corruption, ReadsThatAvoidTheDamagedEventStillWork) {
  flip_in_marker("positions", payload("order-1", 2));
  open();
  EXPECT_EQ(versions_of(read_ok("order-1", 1, 1)), (numbers{1}));
  EXPECT_EQ(versions_of(read_ok("order-1", 3)), (numbers{3}));
  EXPECT_EQ(versions_of(read_ok("order-2")), (numbers{1, 2}));
  EXPECT_EQ(positions_of(read_all_ok(3)), (numbers{3, 4, 5}));
}

TEST_F(Corruption, DamagedEventRecordFailsReadAllNamingPosition) {
  flip_in_marker("positions", payload("order-1", 2));
  open();
  auto r = events().read_all(1);
  ASSERT_FALSE(r) << "read_all returned " << r->size() << " events";
  expect_corrupt(r.error());
  EXPECT_EQ(r.error().position, 2u);
}

TEST_F(Corruption, DamagedEventRecordStopsForEachAtItsPosition) {
  flip_in_marker("positions", payload("order-1", 2));
  open();
  numbers seen;
  auto r = events().for_each(1, [&](const recorded_event& e) {
    seen.push_back(e.position);
    return true;
  });
  ASSERT_FALSE(r);
  expect_corrupt(r.error());
  EXPECT_EQ(r.error().position, 2u);
  EXPECT_EQ(seen, (numbers{1}));
}

TEST_F(Corruption, ShortenedEventRecordIsCorrupt) {
  damage("positions", payload("order-2", 1), [](std::string& v) { v.resize(v.size() / 2); });
  open();
  auto r = events().read("order-2");
  ASSERT_FALSE(r);
  expect_corrupt(r.error());
  EXPECT_EQ(r.error().stream, "order-2");
  EXPECT_EQ(r.error().version, 1u);
  auto all = events().read_all(4);
  ASSERT_FALSE(all);
  expect_corrupt(all.error());
  EXPECT_EQ(all.error().position, 4u);
}

TEST_F(Corruption, EmptiedEventRecordIsCorrupt) {
  damage("positions", payload("order-2", 2), [](std::string& v) { v.clear(); });
  open();
  auto r = events().read("order-2");
  ASSERT_FALSE(r);
  expect_corrupt(r.error());
  EXPECT_EQ(r.error().version, 2u);
}

TEST_F(Corruption, DamagedSnapshotFailsLoadNamingStreamAndVersion) {
  flip_in_marker("snapshots", "STATE-order-1-v3");
  open();
  auto r = db().snapshots().load_latest("order-1");
  ASSERT_FALSE(r) << "load_latest returned a snapshot";
  expect_corrupt(r.error());
  EXPECT_EQ(r.error().stream, "order-1");
  EXPECT_EQ(r.error().version, 3u);
}

TEST_F(Corruption, LoadBelowADamagedSnapshotFallsBackToAnOlderOne) {
  flip_in_marker("snapshots", "STATE-order-1-v3");
  open();
  auto r = db().snapshots().load_latest("order-1", {.max_version = 2});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(*r);
  EXPECT_EQ((*r)->bytes, "STATE-order-1-v1");
}

}  // namespace
}  // namespace ordo::persistence::testing
