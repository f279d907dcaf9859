// The kv store: point reads and writes, atomic multi-writes, prefix scans with paging, and sorted
// runs ingested as table files.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {
namespace {

using rows = std::vector<std::pair<std::string, std::string>>;

class KvStore : public database_test {
 protected:
  kv_store& kv() { return db().kv(); }

  std::optional<std::string> get(std::string_view key) {
    auto r = kv().get(key);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::nullopt;
  }

  rows scan(std::string_view prefix, std::string_view start_after = {}, std::size_t limit = 1000) {
    auto r = kv().scan(prefix, start_after, limit);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : rows{};
  }

  // Keys around the prefix "p/" so that scans must stop exactly at its edges.
  void put_scan_keys() {
    for (const char* key : {"o", "p", "p.", "p/a", "p/b", "p/c", "p/d", "p0", "q"}) {
      ASSERT_TRUE(kv().put(key, std::string("v:") + key));
    }
  }
};

TEST_F(KvStore, MissingKeyIsNone) {
  EXPECT_EQ(get("absent"), std::nullopt);
}

TEST_F(KvStore, PutThenGet) {
  ASSERT_TRUE(kv().put("checkpoint/projection", "42"));
  EXPECT_EQ(get("checkpoint/projection"), "42");
}

TEST_F(KvStore, PutOverwrites) {
  ASSERT_TRUE(kv().put("k", "1"));
  ASSERT_TRUE(kv().put("k", "2"));
  EXPECT_EQ(get("k"), "2");
}

TEST_F(KvStore, EmptyValueIsStoredNotDeleted) {
  ASSERT_TRUE(kv().put("k", ""));
  EXPECT_EQ(get("k"), "");
}

TEST_F(KvStore, BinaryKeysAndValuesRoundTrip) {
  const std::string key("k\0\xff", 3);
  const std::string value("\0\x01\xfe\xff", 4);
  ASSERT_TRUE(kv().put(key, value));
  EXPECT_EQ(get(key), value);
  EXPECT_EQ(get("k"), std::nullopt);
}

TEST_F(KvStore, EraseRemoves) {
  ASSERT_TRUE(kv().put("k", "v"));
  ASSERT_TRUE(kv().erase("k"));
  EXPECT_EQ(get("k"), std::nullopt);
}

TEST_F(KvStore, EraseOfMissingKeySucceeds) {
  EXPECT_TRUE(kv().erase("absent"));
}

TEST_F(KvStore, SyncWritesAreVisible) {
  ASSERT_TRUE(kv().put("k", "v", true));
  EXPECT_EQ(get("k"), "v");
  ASSERT_TRUE(kv().erase("k", true));
  EXPECT_EQ(get("k"), std::nullopt);
}

TEST_F(KvStore, WriteAppliesPutsAndDeletesTogether) {
  ASSERT_TRUE(kv().put("old", "x"));
  const std::vector<kv_write> writes = {{"a", "1"}, {"b", "2"}, {"old", std::nullopt}};
  ASSERT_TRUE(kv().write(writes));
  EXPECT_EQ(get("a"), "1");
  EXPECT_EQ(get("b"), "2");
  EXPECT_EQ(get("old"), std::nullopt);
}

TEST_F(KvStore, WriteOfTheSameKeyTwiceKeepsTheLast) {
  const std::vector<kv_write> writes = {{"k", "1"}, {"k", "2"}};
  ASSERT_TRUE(kv().write(writes));
  EXPECT_EQ(get("k"), "2");
}

TEST_F(KvStore, ValuesSurviveReopen) {
  ASSERT_TRUE(kv().put("k", "v"));
  ASSERT_TRUE(kv().put("gone", "v"));
  ASSERT_TRUE(kv().erase("gone"));
  reopen();
  EXPECT_EQ(get("k"), "v");
  EXPECT_EQ(get("gone"), std::nullopt);
}

TEST_F(KvStore, ScanReturnsOnlyKeysWithThePrefixInKeyOrder) {
  put_scan_keys();
  EXPECT_EQ(scan("p/"),
            (rows{{"p/a", "v:p/a"}, {"p/b", "v:p/b"}, {"p/c", "v:p/c"}, {"p/d", "v:p/d"}}));
}

TEST_F(KvStore, ScanWithUnknownPrefixIsEmpty) {
  put_scan_keys();
  EXPECT_TRUE(scan("r").empty());
  EXPECT_TRUE(scan("p/e").empty());
}

TEST_F(KvStore, ScanWithEmptyPrefixReturnsEverything) {
  put_scan_keys();
  auto all = scan("");
  ASSERT_EQ(all.size(), 9u);
  EXPECT_EQ(all.front().first, "o");
  EXPECT_EQ(all.back().first, "q");
}

TEST_F(KvStore, ScanStartsAfterTheGivenKey) {
  put_scan_keys();
  EXPECT_EQ(scan("p/", "p/b"), (rows{{"p/c", "v:p/c"}, {"p/d", "v:p/d"}}));
  // start_after need not be a stored key.
  EXPECT_EQ(scan("p/", "p/bb"), (rows{{"p/c", "v:p/c"}, {"p/d", "v:p/d"}}));
  // Before the prefix: from the first key of the prefix.
  EXPECT_EQ(scan("p/", "a").size(), 4u);
  EXPECT_TRUE(scan("p/", "p/d").empty());
}

TEST_F(KvStore, ScanHonoursTheLimit) {
  put_scan_keys();
  EXPECT_EQ(scan("p/", {}, 2), (rows{{"p/a", "v:p/a"}, {"p/b", "v:p/b"}}));
  EXPECT_TRUE(scan("p/", {}, 0).empty());
}

TEST_F(KvStore, ScanPagesThroughAPrefix) {
  for (int i = 0; i < 25; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "row/%03d", i);
    ASSERT_TRUE(kv().put(key, std::to_string(i)));
  }
  ASSERT_TRUE(kv().put("rox", "outside"));
  rows all;
  std::string after;
  while (true) {
    auto page = scan("row/", after, 10);
    if (page.empty()) break;
    EXPECT_LE(page.size(), 10u);
    after = page.back().first;
    all.insert(all.end(), page.begin(), page.end());
  }
  ASSERT_EQ(all.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(all[i].second, std::to_string(i));
}

TEST_F(KvStore, ScanOfPrefixEndingInMaxByteStopsAtItsEdge) {
  // The prefix "p\xff" has no simple successor: the scan must still stop past its keys.
  const std::string prefix("p\xff", 2);
  ASSERT_TRUE(kv().put(prefix + "a", "1"));
  ASSERT_TRUE(kv().put(prefix + "\xff", "2"));
  ASSERT_TRUE(kv().put("q", "3"));
  ASSERT_TRUE(kv().put("p", "4"));
  EXPECT_EQ(scan(prefix), (rows{{prefix + "a", "1"}, {prefix + "\xff", "2"}}));
}

TEST_F(KvStore, ErasePrefixRemovesExactlyTheKeysUnderIt) {
  put_scan_keys();
  ASSERT_TRUE(kv().erase_prefix_then_write("p/", {}));
  EXPECT_TRUE(scan("p/").empty());
  for (const char* kept : {"o", "p", "p.", "p0", "q"})
    EXPECT_EQ(get(kept), std::string("v:") + kept);
}

TEST_F(KvStore, ErasePrefixAndWritesAreOneWriteWithTheWritesLast) {
  put_scan_keys();
  std::vector<kv_write> writes{{"p/b", "new"}, {"q", std::nullopt}, {"r", "added"}};
  ASSERT_TRUE(kv().erase_prefix_then_write("p/", writes));
  EXPECT_EQ(scan("p/"), (rows{{"p/b", "new"}}));  // written after the erase: it stays
  EXPECT_EQ(get("q"), std::nullopt);
  EXPECT_EQ(get("r"), "added");
  EXPECT_EQ(get("p0"), "v:p0");
}

TEST_F(KvStore, ErasePrefixEndingInMaxBytesStopsAtItsEdge) {
  const std::string prefix("p\xff\xff", 3);
  const std::string inside = prefix + "x", after("q", 1), before("p\xfe", 2);
  for (auto& key : {inside, after, before}) ASSERT_TRUE(kv().put(key, "v"));
  ASSERT_TRUE(kv().erase_prefix_then_write(prefix, {}));
  EXPECT_EQ(get(inside), std::nullopt);
  EXPECT_EQ(get(after), "v");
  EXPECT_EQ(get(before), "v");
}

TEST_F(KvStore, ErasePrefixRefusesAPrefixThatWouldEraseEverything) {
  put_scan_keys();
  EXPECT_FALSE(kv().erase_prefix_then_write("", {}));
  EXPECT_FALSE(kv().erase_prefix_then_write(std::string("\xff", 1), {}));
  EXPECT_EQ(scan("p/").size(), 4u);
}

TEST_F(KvStore, ErasedRowsStayErasedAcrossAReopen) {
  put_scan_keys();
  ASSERT_TRUE(kv().erase_prefix_then_write("p/", {}, /*sync=*/true));
  reopen();
  EXPECT_TRUE(scan("p/").empty());
  EXPECT_EQ(get("p0"), "v:p0");
}

TEST_F(KvStore, KvKeysAreSeparateFromJournalStreams) {
  append_ok(make_request("order-1", expected_version::any(), {"e"}));
  EXPECT_TRUE(scan("").empty());
  ASSERT_TRUE(kv().put("order-1", "kv"));
  EXPECT_EQ(read_ok("order-1").size(), 1u);
}

// What ingest_sorted leaves beside the database's own files when it is done (it must be nothing).
std::vector<std::string> ingest_leftovers(const std::filesystem::path& dir) {
  std::vector<std::string> found;
  for (auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename().string().starts_with("kv-ingest-"))
      found.push_back(entry.path().filename().string());
  return found;
}

TEST_F(KvStore, IngestedRowsReadLikeWrittenOnesAndAreNewerThanEverythingBefore) {
  put_scan_keys();
  std::vector<kv_write> run{{"p/a", "ingested"}, {"p/b", std::nullopt}, {"p/bb", ""}, {"p0", "0"}};
  ASSERT_TRUE(kv().ingest_sorted(run));
  EXPECT_EQ(scan("p/"),
            (rows{{"p/a", "ingested"}, {"p/bb", ""}, {"p/c", "v:p/c"}, {"p/d", "v:p/d"}}));
  EXPECT_EQ(get("p0"), "0");
  EXPECT_EQ(get("o"), "v:o");
  // Later writes, through the memtable or ingested, shadow the ingested rows in turn.
  ASSERT_TRUE(kv().put("p/a", "written"));
  ASSERT_TRUE(kv().ingest_sorted(std::vector<kv_write>{{"p/bb", "again"}}));
  EXPECT_EQ(get("p/a"), "written");
  EXPECT_EQ(get("p/bb"), "again");
  EXPECT_TRUE(ingest_leftovers(dir_).empty());
}

TEST_F(KvStore, IngestedRowsAreVisibleAfterAPrefixEraseAndSurviveAReopen) {
  put_scan_keys();
  ASSERT_TRUE(kv().erase_prefix_then_write("p/", {}));
  ASSERT_TRUE(kv().ingest_sorted(std::vector<kv_write>{{"p/b", "new"}, {"p/z", "new"}}));
  EXPECT_EQ(scan("p/"), (rows{{"p/b", "new"}, {"p/z", "new"}}));
  reopen();
  EXPECT_EQ(scan("p/"), (rows{{"p/b", "new"}, {"p/z", "new"}}));
  EXPECT_EQ(get("p."), "v:p.");
}

TEST_F(KvStore, TheFirstIngestRemovesTheFilesAnInterruptedOneLeft) {
  close();
  for (auto name : {"kv-ingest-0.sst.tmp", "kv-ingest-7.sst.tmp"})
    std::ofstream(dir_ / name) << "half a table file";
  open();
  ASSERT_EQ(ingest_leftovers(dir_).size(), 2u);
  ASSERT_TRUE(kv().ingest_sorted(std::vector<kv_write>{{"p/a", "1"}}));
  EXPECT_TRUE(ingest_leftovers(dir_).empty());
  EXPECT_EQ(get("p/a"), "1");
}

TEST_F(KvStore, IngestOfKeysOutOfOrderAddsNothingAndLeavesNoFile) {
  put_scan_keys();
  EXPECT_FALSE(kv().ingest_sorted(std::vector<kv_write>{{"p/x", "1"}, {"p/a", "2"}}));
  EXPECT_FALSE(kv().ingest_sorted(std::vector<kv_write>{{"p/x", "1"}, {"p/x", "2"}}));
  EXPECT_FALSE(kv().ingest_sorted(std::vector<kv_write>{{"", "1"}}));
  EXPECT_EQ(get("p/x"), std::nullopt);
  EXPECT_EQ(get("p/a"), "v:p/a");
  EXPECT_TRUE(kv().ingest_sorted({}));
  EXPECT_TRUE(ingest_leftovers(dir_).empty());
}

}  // namespace
}  // namespace ordo::persistence::testing
