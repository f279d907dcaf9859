// `ordo serve` checks the data directory's identity (cluster/identity.hpp) before it opens it: a
// directory keeps to the node, and the cluster, that first served from it.
#include <gtest/gtest.h>

#include <filesystem>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

const std::string members = "n1=127.0.0.1:4191,n2=127.0.0.1:4192";

TEST(NodeIdentity, ASingleNodesDirectoryDoesNotStartAsAClusterMember) {
  auto dir = fresh_data_dir("identity-single");
  {
    node_process node(dir, {"--node-id", "n1"});
    EXPECT_EQ(node.stop(), 0);
  }
  auto r = run_ordo(
      {"serve", "--port", "0", "--data", dir.string(), "--node-id", "n1", "--members", members});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("ordo-node.json"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // Refused before anything was opened: the directory still serves as the single node it was.
  node_process again(dir, {"--node-id", "n1"});
  EXPECT_EQ(again.stop(), 0);
}

TEST(NodeIdentity, AClusterMembersDirectoryDoesNotStartAsAnotherNodeOrInAnotherCluster) {
  auto dir = fresh_data_dir("identity-member");
  {
    node_process node(dir, {"--node-id", "n1", "--members", members});
    EXPECT_EQ(node.stop(), 0);
  }
  auto as_n2 = run_ordo(
      {"serve", "--port", "0", "--data", dir.string(), "--node-id", "n2", "--members", members});
  EXPECT_EQ(as_n2.exit_code, 2) << as_n2.err;
  auto other_members = run_ordo({"serve", "--port", "0", "--data", dir.string(), "--node-id", "n1",
                                 "--members", members + ",n3=127.0.0.1:4193"});
  EXPECT_EQ(other_members.exit_code, 2) << other_members.err;
  auto alone = run_ordo({"serve", "--port", "0", "--data", dir.string(), "--node-id", "n1"});
  EXPECT_EQ(alone.exit_code, 2) << alone.err;
  node_process again(dir, {"--node-id", "n1", "--members", members});
  EXPECT_EQ(again.stop(), 0);
}

}  // namespace
}  // namespace ordo::e2e
