// The data directory's identity (cluster/identity.hpp): recorded on the first start, refused when
// a later start is another node or another cluster.
#include "cluster/identity.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "cluster/wire_version.hpp"

namespace ordo::cluster {
namespace {

namespace fs = std::filesystem;

config::settings member(std::string id, std::vector<std::string> ids, std::uint32_t shards = 256) {
  config::settings s;
  s.node.id = std::move(id);
  s.cluster.shards = shards;
  std::uint16_t port = 4101;
  for (auto& m : ids) s.cluster.nodes.push_back({std::move(m), "127.0.0.1", port++, ""});
  return s;
}

config::settings single(std::string id = "node-1", std::uint32_t shards = 256) {
  config::settings s;
  s.node.id = std::move(id);
  s.cluster.shards = shards;
  return s;
}

class Identity : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("ordo-identity-" + std::to_string(rd()));
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string refusal(const config::settings& s) {
    auto checked = check_identity(dir_, s);
    return checked ? "(accepted)" : checked.error();
  }
  nlohmann::json record() {
    std::ifstream in(dir_ / identity_file_name);
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
  }
  void write_record(const std::string& text) { std::ofstream(dir_ / identity_file_name) << text; }

  fs::path dir_;
};

const std::vector<std::string> three{"n1", "n2", "n3"};

TEST(Fingerprint, IsStableHexOfShardsSortedIdsAndWireVersion) {
  auto n1 = member("n1", three).cluster;
  auto fp = fingerprint(n1);
  EXPECT_EQ(fp.size(), 16u);
  EXPECT_EQ(fp.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(fp, fingerprint(member("n3", {"n3", "n1", "n2"}).cluster));  // order, self: no matter
  auto moved = n1;
  moved.host = "0.0.0.0";
  moved.nodes[1].host = "10.0.0.2";
  moved.nodes[1].port = 9;
  moved.heartbeat_ms = 250;
  moved.tls = {"c", "k", "ca"};
  EXPECT_EQ(fingerprint(moved), fp);  // addresses and timing are no part of it
  EXPECT_NE(fingerprint(member("n1", three, 64).cluster), fp);
  EXPECT_NE(fingerprint(member("n1", {"n1", "n2"}).cluster), fp);
  EXPECT_NE(fingerprint(member("n1", {"n1", "n2", "n4"}).cluster), fp);
  EXPECT_NE(fingerprint(member("n1", {"n1", "n2,n3"}).cluster),
            fingerprint(member("n1", {"n1,n2", "n3"}).cluster));
  // Fewer than two members is a single node: no member ids.
  EXPECT_EQ(fingerprint(member("n1", {"n1"}).cluster), fingerprint(single("x").cluster));
  // Pinned: peers of different builds compare it.
  EXPECT_EQ(wire_version, 1u);
  EXPECT_EQ(fp, "d88501d22468c3fa");  // also computed by a Python transcription
}

TEST_F(Identity, FirstStartRecordsItAndTheSameStartsAgain) {
  ASSERT_EQ(refusal(member("n2", three)), "(accepted)");  // creates the directory too
  auto recorded = record();
  EXPECT_EQ(recorded["node"], "n2");
  EXPECT_EQ(recorded["shards"], 256);
  EXPECT_EQ(recorded["members"], nlohmann::json({"n1", "n2", "n3"}));
  EXPECT_EQ(recorded["wire_version"], wire_version);
  EXPECT_EQ(recorded["fingerprint"], fingerprint(member("n2", three).cluster));
  EXPECT_EQ(refusal(member("n2", {"n3", "n2", "n1"})), "(accepted)");
  auto elsewhere = member("n2", three);
  elsewhere.cluster.nodes[0].host = "127.0.0.9";  // a member moved: ownership did not
  EXPECT_EQ(refusal(elsewhere), "(accepted)");
  std::vector<std::string> files;  // no temporary file is left behind
  for (const auto& entry : fs::directory_iterator(dir_)) files.push_back(entry.path().filename());
  EXPECT_EQ(files, std::vector<std::string>{"ordo-node.json"});
}

TEST_F(Identity, AnotherNodeIdIsRefused) {
  ASSERT_EQ(refusal(member("n2", three)), "(accepted)");
  auto why = refusal(member("n3", three));
  EXPECT_EQ(why, "data directory " + dir_.string() +
                     " belongs to node n2, not n3: each node keeps its own journal (start it as "
                     "n2, or give n3 a directory of its own) (recorded in " +
                     (dir_ / "ordo-node.json").string() +
                     "; remove it to let this start record its own, knowingly)");
}

TEST_F(Identity, AnotherShardCountOrMemberListIsRefused) {
  ASSERT_EQ(refusal(member("n2", three)), "(accepted)");
  auto shards = refusal(member("n2", three, 64));
  EXPECT_NE(shards.find("belongs to the member n2 of the cluster n1, n2, n3 (256 shards), not the "
                        "member n2 of the cluster n1, n2, n3 (64 shards): the shards' owners would "
                        "change"),
            std::string::npos)
      << shards;
  auto members = refusal(member("n2", {"n1", "n2", "n3", "n4"}));
  EXPECT_NE(members.find("not the member n2 of the cluster n1, n2, n3, n4 (256 shards)"),
            std::string::npos)
      << members;
  EXPECT_EQ(members.find('\n'), std::string::npos);
  EXPECT_EQ(record()["members"], nlohmann::json({"n1", "n2", "n3"}));  // unchanged
}

TEST_F(Identity, AMembersDirectoryDoesNotStartAsASingleNode) {
  ASSERT_EQ(refusal(member("n2", three)), "(accepted)");
  auto why = refusal(single("n2"));
  EXPECT_NE(why.find("belongs to the member n2 of the cluster n1, n2, n3 (256 shards), not the "
                     "single node n2"),
            std::string::npos)
      << why;
  EXPECT_NE(refusal(member("n2", {"n2"})).find("not the single node n2"), std::string::npos);
}

TEST_F(Identity, ASingleNodesDirectoryDoesNotJoinACluster) {
  ASSERT_EQ(refusal(single("n1")), "(accepted)");
  EXPECT_EQ(record()["members"], nlohmann::json::array());
  auto why = refusal(member("n1", three));
  EXPECT_NE(why.find("belongs to the single node n1, not the member n1 of the cluster n1, n2, n3"),
            std::string::npos)
      << why;
}

TEST_F(Identity, ASingleNodeMayChangeItsNameAndShards) {
  ASSERT_EQ(refusal(single("node-1", 64)), "(accepted)");
  ASSERT_EQ(refusal(single("alpha", 256)), "(accepted)");
  EXPECT_EQ(record()["node"], "alpha");  // recorded anew
  EXPECT_EQ(record()["shards"], 256);
  EXPECT_NE(refusal(member("alpha", three)), "(accepted)");
}

TEST_F(Identity, APreClusterDirectoryIsAdoptedOnItsFirstStart) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "CURRENT") << "MANIFEST-000005\n";  // RocksDB's files, no identity
  ASSERT_EQ(refusal(member("n3", three)), "(accepted)");
  EXPECT_EQ(record()["node"], "n3");
  EXPECT_NE(refusal(single("n3")), "(accepted)");
}

TEST_F(Identity, ANewWireVersionIsRecordedAnew) {
  fs::create_directories(dir_);
  write_record(R"({"format":1,"node":"n1","shards":256,"members":["n3","n2","n1"],)"
               R"("wire_version":0,"fingerprint":"0"})");
  ASSERT_EQ(refusal(member("n1", three)), "(accepted)");
  EXPECT_EQ(record()["wire_version"], wire_version);
  EXPECT_EQ(record()["fingerprint"], fingerprint(member("n1", three).cluster));
}

TEST_F(Identity, ADamagedRecordIsRefusedNotOverwritten) {
  fs::create_directories(dir_);
  write_record("{\"format\":1,\"node\":");
  auto why = refusal(member("n1", three));
  EXPECT_EQ(why, "data directory " + dir_.string() + ": its identity " +
                     (dir_ / "ordo-node.json").string() +
                     " is unreadable (not valid JSON); remove it to let this start record its own, "
                     "knowingly");
  write_record(R"({"format":1,"node":"n1","shards":"many","members":[],"wire_version":1})");
  EXPECT_NE(refusal(member("n1", three)).find("(\"shards\" is not a positive integer)"),
            std::string::npos);
  write_record(R"({"format":2})");
  EXPECT_NE(refusal(member("n1", three)).find("(\"format\" is not 1)"), std::string::npos);
  fs::remove(dir_ / identity_file_name);
  EXPECT_EQ(refusal(member("n1", three)), "(accepted)");  // removed: adopted again
}

TEST_F(Identity, AnUncreatableDirectoryIsOneLine) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  auto checked = check_identity(dir_ / "file" / "data", single());
  ASSERT_FALSE(checked);
  EXPECT_TRUE(checked.error().starts_with("cannot create data directory ")) << checked.error();
}

}  // namespace
}  // namespace ordo::cluster
