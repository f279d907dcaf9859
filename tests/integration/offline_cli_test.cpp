// The real `ordo` binary's offline commands over a data directory built here: replay, verify
// (clean and damaged), export -> import -> export byte for byte (with the kv store's node state),
// import's refusal of a bad file (naming its line, writing nothing), and the polite refusals.
#include "offline_cli_fixture.hpp"

namespace ordo::offline_cli_testing {
namespace {

TEST_F(offline_cli_test, ReplayPrintsTheStateAtAVersion) {
  auto r = ordo("replay " + data() + " order-o1 --to-version 10");
  ASSERT_EQ(r.code, 0) << r.err;
  auto expected = at_10_;
  expected["version"] = 10;
  EXPECT_EQ(nlohmann::json::parse(r.out), expected);
  auto at = ordo("replay " + data() + " order-o1 --at 2023-11-14T22:13:30.000Z --events");
  ASSERT_EQ(at.code, 0) << at.err;
  auto json = nlohmann::json::parse(at.out);
  EXPECT_EQ(json["version"], 10);  // t0 = 2023-11-14T22:13:20Z, one event a second
  EXPECT_EQ(json["events"].size(), 10u);
}

TEST_F(offline_cli_test, ReplayRebuildsAProjection) {
  auto r = ordo("replay " + data() + " --projection order_summary");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("rebuilt order_summary: 60 events"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);  // no progress line off a terminal
}

TEST_F(offline_cli_test, VerifyPassesACleanJournalAndNamesDamage) {
  auto clean = ordo("verify " + data());
  ASSERT_EQ(clean.code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("problems       0"), std::string::npos) << clean.out;
  {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir_.string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open({}, dir_.string(), families, &handles, &db).ok());
    for (auto* h : handles) {
      if (h->GetName() != "positions") continue;
      std::string key(8, '\0');
      key[7] = 5;
      std::string value;
      ASSERT_TRUE(db->Get({}, h, key, &value).ok());
      value.back() ^= 1;
      ASSERT_TRUE(db->Put({}, h, key, value).ok());
    }
    std::unique_ptr<rocksdb::DB> owned(db);
    for (auto* h : handles) owned->DestroyColumnFamilyHandle(h);
  }
  auto damaged = ordo("verify " + data());
  EXPECT_EQ(damaged.code, 1);
  EXPECT_NE(damaged.out.find("crc_mismatch stream=order-o1 version=3 position=5"),
            std::string::npos)
      << damaged.out;
}

TEST_F(offline_cli_test, VerifyNamesDamagedProjectionCheckpoints) {
  ASSERT_EQ(ordo("replay " + data() + " --projection order_summary").code, 0);
  ASSERT_EQ(ordo("replay " + data() + " --projection stats").code, 0);
  ASSERT_EQ(ordo("verify " + data()).code, 0);
  {
    auto db = open_db();
    ASSERT_TRUE(db->kv().put("checkpoint/order_summary", "1000"));  // the journal ends at 60
  }
  {
    // The stats checkpoint's bytes no longer match their CRC32C.
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies({}, dir_.string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open({}, dir_.string(), families, &handles, &db).ok());
    std::unique_ptr<rocksdb::DB> owned(db);
    for (auto* h : handles) {
      if (h->GetName() != "kv") continue;
      std::string value;
      ASSERT_TRUE(owned->Get({}, h, "checkpoint/stats", &value).ok());
      value.back() ^= 1;
      ASSERT_TRUE(owned->Put({}, h, "checkpoint/stats", value).ok());
    }
    for (auto* h : handles) owned->DestroyColumnFamilyHandle(h);
  }
  auto damaged = ordo("verify " + data());
  EXPECT_EQ(damaged.code, 1);
  EXPECT_NE(damaged.out.find("checkpoint_beyond_journal position=1000 "
                             "key=checkpoint/order_summary: projection order_summary"),
            std::string::npos)
      << damaged.out;
  EXPECT_NE(damaged.out.find("unreadable_checkpoint key=checkpoint/stats: projection stats"),
            std::string::npos)
      << damaged.out;
  EXPECT_NE(damaged.out.find("problems       2"), std::string::npos) << damaged.out;
}

TEST_F(offline_cli_test, ExportImportExportIsByteIdentical) {
  {
    // Node state (a deadline, an idempotency record and its expiry entry) travels; read-model
    // rows and checkpoints do not: the importing node rebuilds them.
    auto db = open_db();
    ASSERT_TRUE(db->kv().put("deadline/order-o1", deadline_value));
    ASSERT_TRUE(db->kv().put("idem/key-1", R"({"fingerprint":"f","stored_at_ms":1})"));
    ASSERT_TRUE(db->kv().put("idem-at/0000000000000001/key-1", ""));
    ASSERT_TRUE(db->kv().put("checkpoint/order_summary", "60"));
    ASSERT_TRUE(db->kv().put("view/order_summary/o1", "row"));
  }
  auto first = ordo("export " + data());
  ASSERT_EQ(first.code, 0) << first.err;
  auto lines = lines_of(first.out);
  ASSERT_EQ(lines.size(), 1u + 60u + 3u + 1u);  // format line, events, kv records, end line
  EXPECT_EQ(without_crc(lines.front()), R"({"from_position":1,"ordo_export":2})");
  EXPECT_EQ(without_crc(lines.back()), R"({"end":{"events":60,"kv_records":3}})");
  auto file = scratch_ / "events.jsonl";
  std::ofstream(file) << first.out;
  auto copy = fresh_dir("copy");
  auto imported = ordo("import --data " + copy.string() + " " + file.string());
  ASSERT_EQ(imported.code, 0) << imported.err;
  auto second = ordo("export --data " + copy.string());
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(ordo("verify --data " + copy.string()).code, 0);
  {
    auto db = ordo::persistence::database::open({.path = copy.string()});
    ASSERT_TRUE(db);
    EXPECT_EQ(*(*db)->kv().get("deadline/order-o1"), std::optional(deadline_value));
    EXPECT_EQ(*(*db)->kv().get("idem-at/0000000000000001/key-1"), std::optional(std::string()));
    EXPECT_EQ(*(*db)->kv().get("checkpoint/order_summary"), std::nullopt);
    EXPECT_EQ(*(*db)->kv().get("view/order_summary/o1"), std::nullopt);
  }
  auto from_stdin = fresh_dir("stdin");
  EXPECT_EQ(ordo("import --data " + from_stdin.string() + " -", file.string()).code, 0);
  EXPECT_EQ(ordo("export --data " + from_stdin.string()).out, first.out);
  auto again = ordo("import --data " + copy.string() + " " + file.string());
  EXPECT_EQ(again.code, 2) << again.err;
  auto one = ordo("export " + data() + " --stream order-o1 --from-position 21");
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 22);  // 20 events, no kv records
  fs::remove_all(copy);
  fs::remove_all(from_stdin);
}

TEST_F(offline_cli_test, ImportReadsTheFormatOfEarlierExports) {
  // Format 1: event envelopes only, no format line, no CRC, no end line.
  auto lines = lines_of(ordo("export " + data()).out);
  std::vector<std::string> events(lines.begin() + 1, lines.end() - 1);
  for (auto& line : events) line = without_crc(line);
  auto file = scratch_ / "format1.jsonl";
  std::ofstream(file) << joined(events);
  auto copy = fresh_dir("format1");
  auto imported = ordo("import --data " + copy.string() + " " + file.string());
  EXPECT_EQ(imported.code, 0) << imported.err;
  EXPECT_NE(imported.err.find("imported 60 events"), std::string::npos) << imported.err;
  fs::remove_all(copy);
}

TEST_F(offline_cli_test, ImportRefusesABadFileNamingTheLineAndWritesNothing) {
  auto good = lines_of(ordo("export " + data()).out);
  ASSERT_EQ(good.size(), 62u);
  // Line 4 is position 3, order-o1 version 2; line 6 is order-o1 version 3.
  ASSERT_NE(good[3].find(R"("stream":"order-o1","timestamp")"), std::string::npos) << good[3];
  struct bad_file {
    std::string name;
    std::vector<std::string> lines;
    std::string expected;  // in the one line on stderr
  };
  std::vector<bad_file> cases;
  auto damaged = good;
  damaged[4][damaged[4].find("order-o")] = 'X';  // a byte changed, the CRC not
  cases.push_back({"damaged", damaged, "line 5: the line fails its CRC32C"});
  auto gap = good;
  gap.erase(gap.begin() + 3);
  gap.back() = resealed(R"({"end":{"events":59,"kv_records":0}})");
  cases.push_back({"gap", gap,
                   "line 5: cannot import order-o1 version 3 at position 5: the "
                   "stream's previous version was 1"});
  auto unknown = good;
  auto at = unknown[3].find(R"("type":"ItemAdded")");
  ASSERT_NE(at, std::string::npos) << unknown[3];
  unknown[3] = resealed(unknown[3].replace(at, 18, R"("type":"ItemBogus")"));
  cases.push_back({"unknown type", unknown, "line 4: order-o1 version 2 (ItemBogus)"});
  auto bad_stream = good;
  at = bad_stream[2].find(R"("stream":"order-o2")");
  bad_stream[2] = resealed(bad_stream[2].replace(at, 19, R"("stream":"order-o1")"));
  cases.push_back({"duplicate version", bad_stream, "line 3: cannot import order-o1 version 1"});
  auto orphan_deadline = good;
  orphan_deadline.back() = resealed(R"({"end":{"events":60,"kv_records":1}})");
  orphan_deadline.insert(
      orphan_deadline.end() - 1,
      resealed(nlohmann::json{{"kv", "deadline/saga-nobody"}, {"value", deadline_value}}.dump()));
  cases.push_back({"orphan deadline", orphan_deadline,
                   "line 62: kv record deadline/saga-nobody belongs to stream saga-nobody, which "
                   "has no events in the file"});
  auto derived = good;
  derived.back() = resealed(R"({"end":{"events":60,"kv_records":1}})");
  derived.insert(derived.end() - 1, resealed(R"({"kv":"checkpoint/stats","value":"1"})"));
  cases.push_back({"derived record", derived, "line 62: kv record checkpoint/stats is read-model"});
  auto cut = good;
  cut.pop_back();
  cases.push_back({"cut short", cut, "line 61: the file ends without its end line"});
  auto miscounted = good;
  miscounted.back() = resealed(R"({"end":{"events":61,"kv_records":0}})");
  cases.push_back({"miscounted", miscounted, "line 62: the end line counts 61 events"});

  for (auto& c : cases) {
    auto file = scratch_ / "bad.jsonl";
    std::ofstream(file) << joined(c.lines);
    auto missing = fresh_dir("bad-missing");
    auto r = ordo("import --data " + missing.string() + " " + file.string());
    EXPECT_EQ(r.code, 1) << c.name;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find("nothing was imported"), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(missing)) << c.name;
    auto empty = fresh_dir("bad-empty");
    fs::create_directories(empty);
    EXPECT_EQ(ordo("import --data " + empty.string() + " -", file.string()).code, 1) << c.name;
    EXPECT_TRUE(fs::is_empty(empty)) << c.name;
    fs::remove_all(empty);
  }
}

TEST_F(offline_cli_test, VerifyNamesUnreadableAndOrphanDeadlinesAndIdempotencyRecords) {
  {
    auto db = open_db();
    ASSERT_TRUE(db->kv().put("deadline/order-o1", deadline_value));
    ASSERT_TRUE(db->kv().put("deadline/saga-gone", deadline_value));
    ASSERT_TRUE(db->kv().put("deadline/order-o2", "not a deadline"));
    ASSERT_TRUE(db->kv().put("idem/key-1", "[]"));
    ASSERT_TRUE(db->kv().put("idem-at/12/key-1", ""));
  }
  auto r = ordo("verify " + data());
  EXPECT_EQ(r.code, 1);
  for (std::string expected :
       {"kv_record_without_stream stream=saga-gone key=deadline/saga-gone",
        "unreadable_kv_record stream=order-o2 key=deadline/order-o2: the deadline is not",
        "unreadable_kv_record key=idem/key-1: the idempotency record is not a JSON object",
        "unreadable_kv_record key=idem-at/12/key-1", "problems       4"})
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
}

// Saga streams are checked like every other aggregate type's (domain/aggregate_types.hpp): an
// event the saga decider cannot decode and a snapshot it cannot load are problems, though their
// records' checksums are fine.
TEST_F(offline_cli_test, VerifyDecodesSagaStreamsLikeEveryAggregateType) {
  {
    auto db = open_db();
    ordo::persistence::append_request request{.stream = "saga-o1"};
    request.events.push_back({.type = "SagaStarted",
                              .schema_version = 1,
                              .timestamp_ms = t0,
                              .command_id = "cmd",
                              .data = "{\"not\": \"a saga\"}"});
    ASSERT_TRUE(db->events().append(std::move(request)));
    ASSERT_TRUE(db->snapshots().save({.stream = "saga-o1",
                                      .version = 1,
                                      .schema = ordo::domain::saga_decider::snapshot_schema,
                                      .timestamp_ms = t0,
                                      .bytes = "not a saga state"}));
  }
  auto r = ordo("verify --decode-events " + data());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("stream=saga-o1 version=1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the saga decider cannot load its state"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("problems       2"), std::string::npos) << r.out;
}

TEST_F(offline_cli_test, RefusesPolitely) {
  auto missing = dir_ / "missing";
  for (std::string command : {"replay", "verify", "export"}) {
    auto r =
        ordo(command + " --data " + missing.string() + (command == "replay" ? " order-o1" : ""));
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(missing)) << command;
  }
  EXPECT_EQ(ordo("replay " + data() + " order-nobody").code, 2);
  EXPECT_EQ(ordo("replay " + data() + " --projection nope").code, 2);
  EXPECT_EQ(ordo("export " + data() + " --stream order-nobody").code, 2);
  EXPECT_EQ(ordo("verify " + data() + " --bogus").code, 2);
  EXPECT_EQ(ordo("replay " + data() + " order-o1 --to-version x").code, 2);
  auto held = open_db();
  for (std::string command : {"replay", "verify", "export", "repair"}) {
    auto r = ordo(command + " " + data() +
                  (command == "replay"   ? " order-o1"
                   : command == "repair" ? " --accept-loss"
                                         : ""));
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace ordo::offline_cli_testing
