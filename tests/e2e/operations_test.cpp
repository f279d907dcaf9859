// The node as operators meet it: the command line, settings errors, auth on and off, probes,
// inspection, admin routes, and /metrics checked by promtool.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;

class Operations : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fresh_data_dir("ops"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(Operations, HelpListsCommandsAndUnknownCommandsExit2) {
  auto help = run_ordo({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("serve"), std::string::npos);
  auto unknown = run_ordo({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(std::count(unknown.err.begin(), unknown.err.end(), '\n'), 1) << unknown.err;
}

TEST_F(Operations, BadSettingsAreOneLineAndExit2) {
  auto r = run_ordo({"serve", "--data", dir_.string()}, {"ORDO_HTTP_PORT=x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "ordo: ORDO_HTTP_PORT: http.port: must be an integer 0..65535, got \"x\"\n");
  auto config = dir_.string() + ".json";
  std::ofstream(config) << R"({"http": {"port": "x"}})";
  r = run_ordo({"serve", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "ordo: " + config + ": http.port: must be an integer 0..65535, got \"x\"\n");
  std::filesystem::remove(config);
  EXPECT_EQ(run_ordo({"serve", "--bogus"}).exit_code, 2);
}

TEST_F(Operations, RefusesNonLoopbackWithoutTokensUnlessInsecure) {
  auto r = run_ordo({"serve", "--host", "0.0.0.0", "--port", "0", "--data", dir_.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("without auth.tokens"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  node_process insecure(dir_, {"--host", "0.0.0.0", "--insecure"});
  EXPECT_EQ(api_client(insecure.port()).get("/healthz").status, 200);
  EXPECT_EQ(insecure.stop(), 0);
}

TEST_F(Operations, RefusesTokensOverPlainHttpOffLoopbackUnlessInsecure) {
  const std::string tokens = R"(ORDO_AUTH_TOKENS=[{"token":"ad","role":"admin"}])";
  auto r =
      run_ordo({"serve", "--host", "0.0.0.0", "--port", "0", "--data", dir_.string()}, {tokens});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("over plain HTTP"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_)) << "refused before opening the data directory";
  node_process insecure(dir_, {"--host", "0.0.0.0", "--insecure"}, {tokens});
  EXPECT_EQ(api_client(insecure.port(), "ad").get("/v1/inspect/node").status, 200);
  EXPECT_EQ(insecure.stop(), 0);
}

TEST_F(Operations, ADataDirectoryServesOneProcessAtATime) {
  node_process first(dir_);
  auto second = run_ordo({"serve", "--port", "0", "--data", dir_.string()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("in use by another process"), std::string::npos) << second.err;
  EXPECT_EQ(first.stop(), 0);
}

TEST_F(Operations, AuthOnChecksTokensAndRoles) {
  node_process node(
      dir_, {},
      {R"(ORDO_AUTH_TOKENS=[{"token":"cl","role":"client"},{"token":"vw","role":"viewer"},)"
       R"({"token":"ad","role":"admin"}])"});
  auto as = [&](const std::string& token) { return api_client(node.port(), token); };
  auto r = as("").get("/v1/orders/x");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["code"], "unauthorized");
  EXPECT_EQ(as("wrong").get("/v1/orders/x").status, 401);
  r = as("vw").post("/v1/orders", {{"customer_id", "c"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json()["code"], "forbidden");
  EXPECT_EQ(as("cl").post("/v1/orders", {{"customer_id", "c"}, {"order_id", "auth-1"}}).status,
            201);
  EXPECT_EQ(as("cl").get("/v1/inspect/node").status, 403);
  EXPECT_EQ(as("vw").get("/v1/inspect/node").status, 200);
  EXPECT_EQ(as("vw").post("/v1/admin/aggregates/order/auth-1/snapshot", json::object()).status,
            403);
  EXPECT_EQ(as("ad").post("/v1/admin/aggregates/order/auth-1/snapshot", json::object()).status,
            200);
  EXPECT_EQ(as("ad").get("/v1/orders/auth-1").status, 200);
  EXPECT_EQ(as("").get("/healthz").status, 200);
  EXPECT_EQ(as("").get("/metrics").status, 401);
  EXPECT_EQ(as("vw").get("/metrics").status, 200);
  // The console page holds no data: a browser gets it without a token, and its script then sends
  // the token typed into it to the routes that have data.
  auto console = as("").get("/console");
  EXPECT_EQ(console.status, 200);
  EXPECT_NE(console.body.find("<html"), std::string::npos);
  EXPECT_EQ(as("").get("/v1/inspect/node").status, 401);
  EXPECT_EQ(as("").get("/v1/inspect/projections").status, 401);
  // With tokens a rebound name can do nothing without one: Host is not checked.
  EXPECT_EQ(as("ad").get("/v1/orders/auth-1", {{"Host", "ordo.example:443"}}).status, 200);
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(Operations, ProbesInspectionAndAdmin) {
  node_process node(dir_);
  api_client api(node.port());
  EXPECT_EQ(api.get("/healthz").status, 200);
  EXPECT_EQ(api.get("/readyz").json()["status"], "ready");
  ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c"}, {"order_id", "ins-1"}}).status, 201);

  auto node_info = api.get("/v1/inspect/node").json();
  EXPECT_EQ(node_info["node_id"], "node-1");
  EXPECT_GE(node_info["aggregates_live"].get<int>(), 1);
  EXPECT_GE(node_info["journal"]["events_appended"].get<int>(), 1);

  auto live = api.get("/v1/inspect/aggregates?type=order").json()["aggregates"];
  ASSERT_FALSE(live.empty());
  EXPECT_EQ(live[0]["type"], "order");
  EXPECT_EQ(api.get("/v1/inspect/aggregates?type=bogus").status, 400);

  auto one = api.get("/v1/inspect/aggregates/order/ins-1");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json()["state"]["customer_id"], "c");
  EXPECT_EQ(one.json()["last_events"].size(), 1u);
  EXPECT_EQ(api.get("/v1/inspect/aggregates/widget/x").status, 404);

  auto snap = api.post("/v1/admin/aggregates/order/ins-1/snapshot", json::object());
  ASSERT_EQ(snap.status, 200) << snap.body;
  EXPECT_EQ(snap.json()["version"], 1);
  auto passivated = api.post("/v1/admin/aggregates/order/ins-1/passivate", json::object());
  EXPECT_EQ(passivated.status, 200);
  EXPECT_EQ(api.get("/v1/orders/ins-1").status, 200);  // recovers on the next message

  auto projections = api.get("/v1/inspect/projections").json()["projections"];
  ASSERT_FALSE(projections.empty());
  auto name = projections[0]["name"].get<std::string>();
  EXPECT_EQ(api.post("/v1/admin/projections/" + name + "/rebuild", json::object()).status, 202);
  EXPECT_EQ(api.post("/v1/admin/projections/nope/rebuild", json::object()).status, 404);

  auto cluster = api.get("/v1/inspect/cluster").json();
  EXPECT_EQ(cluster["nodes"], json::array());  // no peers
  EXPECT_EQ(cluster["shards"], 256);
  EXPECT_EQ(cluster["owners"][cluster["node"].get<std::string>()].size(), 256u);
  EXPECT_EQ(api.get("/v1/inspect/sagas").json()["sagas"], json::array());
  auto console = api.get("/console");
  EXPECT_EQ(console.status, 200);
  EXPECT_NE(console.body.find("<html"), std::string::npos);
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(Operations, RepliesAboutAnAggregateNameTheNodeThatOwnsIt) {
  node_process node(dir_, {"--node-id", "solo"});
  api_client api(node.port());
  auto created = api.post("/v1/orders", {{"customer_id", "c1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("X-Ordo-Node"), "solo");
  auto id = created.json()["order_id"].get<std::string>();
  EXPECT_EQ(api.get("/v1/orders/" + id).header("X-Ordo-Node"), "solo");
  EXPECT_EQ(api.get("/v1/orders/nope").header("X-Ordo-Node"), "solo");  // 404, still its owner
  EXPECT_EQ(api.get("/v1/inventory/sku-1").header("X-Ordo-Node"), "solo");
  EXPECT_EQ(api.get("/v1/inspect/node").header("X-Ordo-Node"), "");  // about no aggregate

  auto owner = api.get("/v1/inspect/cluster/owner?type=saga&id=" + id);
  ASSERT_EQ(owner.status, 200) << owner.body;
  EXPECT_EQ(owner.json()["owner"], "solo");
  // A saga lives in its order's shard.
  EXPECT_EQ(owner.json()["shard"],
            api.get("/v1/inspect/cluster/owner?type=order&id=" + id).json()["shard"]);
  EXPECT_EQ(api.get("/v1/inspect/cluster/owner?type=ship&id=o1").status, 400);
  EXPECT_EQ(api.get("/v1/inspect/cluster/owner?type=order&id=..%2Fx").status, 400);
  EXPECT_EQ(api.get("/v1/inspect/cluster/owner?type=order").status, 400);
  EXPECT_EQ(node.stop(), 0);
}

TEST_F(Operations, MetricsPassPromtool) {
  if (std::string(ORDO_PROMTOOL).empty())
    GTEST_SKIP() << "promtool is not installed (scripts/setup installs it)";
  node_process node(dir_);
  api_client api(node.port());
  ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c"}, {"order_id", "m-1"}}).status, 201);
  api.get("/v1/orders/nope");
  auto metrics = api.get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  for (auto name :
       {"ordo_commands_total{type=\"order.create\",outcome=\"ok\"} 1",
        "ordo_command_duration_seconds_bucket", "ordo_journal_batch_events_bucket",
        "ordo_journal_sync_duration_seconds_bucket", "ordo_events_appended_total",
        "ordo_aggregates_live", "ordo_aggregates_passivated_total",
        "ordo_recovery_duration_seconds_count", "ordo_snapshots_written_total",
        "ordo_projection_position{projection=", "ordo_projection_lag_events{projection=",
        "ordo_sagas_active 0", "ordo_cluster_nodes_up 1",
        "ordo_http_requests_total{route=\"/v1/orders/{id}\",code=\"404\"} 1"})
    EXPECT_NE(metrics.body.find(name), std::string::npos) << name;

  auto file = dir_.string() + ".metrics";
  std::ofstream(file) << metrics.body;
  auto command = std::string(ORDO_PROMTOOL) + " check metrics < " + file + " 2>&1";
  std::string output;
  auto* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[512];
  while (auto n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
  EXPECT_EQ(pclose(pipe), 0) << output;
  std::filesystem::remove(file);
  EXPECT_EQ(node.stop(), 0);
}

}  // namespace
}  // namespace ordo::e2e
