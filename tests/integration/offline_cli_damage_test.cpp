// The offline commands over a damaged or read-only-sensitive directory: readers change nothing,
// a damaged WAL is refused until `ordo repair --accept-loss`, and `ordo serve` refuses an
// unreadable high-water mark with one line.
#include "offline_cli_fixture.hpp"

namespace ordo::offline_cli_testing {
namespace {

TEST_F(offline_cli_test, ReadersChangeNothingInTheDirectory) {
  auto before = files_of(dir_);
  auto verify = ordo("verify " + data());
  ASSERT_EQ(verify.code, 0) << verify.err;
  auto exported = ordo("export " + data());
  ASSERT_EQ(exported.code, 0) << exported.err;
  // The WAL's 60 events between the format line and the end line.
  EXPECT_EQ(std::count(exported.out.begin(), exported.out.end(), '\n'), 62);
  auto replay = ordo("replay " + data() + " order-o1 --to-version 10");
  ASSERT_EQ(replay.code, 0) << replay.err;
  auto after = files_of(dir_);
  ASSERT_EQ(after.size(), before.size());
  for (auto& [name, file] : before) {
    ASSERT_TRUE(after.contains(name)) << name;
    EXPECT_EQ(after[name].first, file.first) << name << " changed";
    EXPECT_EQ(after[name].second, file.second) << name << " was written";
  }
}

TEST_F(offline_cli_test, ADamagedWalIsRefusedUntilRepairIsToldToAcceptTheLoss) {
  auto wals = wal_files(dir_);
  ASSERT_EQ(wals.size(), 1u);
  auto size = fs::file_size(wals[0]);
  {
    std::fstream f(wals[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put('\x5a');
  }
  for (int run = 0; run < 2; ++run) {  // refusing leaves the evidence for the next run
    auto verify = ordo("verify " + data());
    EXPECT_EQ(verify.code, 1) << verify.out;
    EXPECT_EQ(std::count(verify.err.begin(), verify.err.end(), '\n'), 1) << verify.err;
    EXPECT_NE(verify.err.find(wals[0].filename().string()), std::string::npos) << verify.err;
    EXPECT_EQ(fs::file_size(wals[0]), size);
  }
  auto serve = ordo("serve --port 0 " + data());
  EXPECT_EQ(serve.code, 1) << serve.out;
  EXPECT_EQ(std::count(serve.err.begin(), serve.err.end(), '\n'), 1) << serve.err;
  EXPECT_NE(serve.err.find("write-ahead log"), std::string::npos) << serve.err;
  EXPECT_NE(ordo("export " + data()).code, 0);

  auto refused = ordo("repair " + data());
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("--accept-loss"), std::string::npos) << refused.err;
  EXPECT_EQ(ordo("verify " + data()).code, 1);
  auto repaired = ordo("repair " + data() + " --accept-loss");
  ASSERT_EQ(repaired.code, 0) << repaired.err;
  EXPECT_NE(repaired.out.find("dropped: "), std::string::npos) << repaired.out;
  EXPECT_NE(repaired.out.find(wals[0].filename().string()), std::string::npos) << repaired.out;
  auto verify = ordo("verify " + data());
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
}

TEST_F(offline_cli_test, ServeRefusesAnUnreadableHighWaterMarkWithOneLine) {
  with_streams_family(dir_, [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* streams) {
    ASSERT_TRUE(db.Put({}, streams, "", "garbage").ok());
  });
  auto serve = ordo("serve --port 0 " + data());
  EXPECT_EQ(serve.code, 1) << serve.out;
  EXPECT_EQ(std::count(serve.err.begin(), serve.err.end(), '\n'), 1) << serve.err;
  EXPECT_NE(serve.err.find(dir_.string()), std::string::npos) << serve.err;
  EXPECT_NE(serve.err.find("high-water mark"), std::string::npos) << serve.err;
  auto verify = ordo("verify " + data());
  EXPECT_EQ(verify.code, 1);
  EXPECT_NE(verify.out.find("corrupt_marker"), std::string::npos) << verify.out;
  ASSERT_EQ(ordo("repair " + data() + " --accept-loss").code, 0);
  EXPECT_EQ(ordo("verify " + data()).code, 0);
}

}  // namespace
}  // namespace ordo::offline_cli_testing
