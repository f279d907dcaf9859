// The cluster's settings: cluster.nodes in its two forms (JSON members, "id=host:port,..."), from
// a file, ORDO_CLUSTER_NODES and --members; the flags of `ordo serve`; and the rules checked once
// every source is applied, each refused in one line naming the key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/command_line.hpp"
#include "config/exposure.hpp"
#include "config/load.hpp"

namespace ordo::config {
namespace {

std::string load_error(const sources& from) {
  auto loaded = load(from);
  return loaded ? "(loaded)" : loaded.error();
}

std::string json_error(const std::string& text) {
  settings s;
  auto applied = apply_json_text(s, "config.json", text);
  return applied ? "(applied)" : applied.error();
}

// The settings of `ordo serve ARGS...` with no file and no environment.
std::expected<settings, std::string> serve_with(std::vector<std::string_view> args) {
  auto options = parse_serve_arguments(args);
  if (!options) return std::unexpected(options.error());
  return load(options->settings_sources);
}

const std::string three = "n1=127.0.0.1:4101,n2=127.0.0.1:4102,n3=127.0.0.1:4103";

TEST(ClusterNodes, JsonMembersFromAFile) {
  settings s;
  auto applied = apply_json_text(s, "config.json", R"({"cluster": {"nodes": [
      {"id": "n1", "host": "127.0.0.1", "port": 4101, "http": "http://127.0.0.1:8081"},
      {"id": "n2", "host": "[::1]", "port": 4102}]}})");
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_EQ(s.cluster.nodes,
            (std::vector<cluster_member>{{"n1", "127.0.0.1", 4101, "http://127.0.0.1:8081"},
                                         {"n2", "::1", 4102, ""}}));
  EXPECT_TRUE(s.cluster.clustered());
}

TEST(ClusterNodes, CompactFormAsForMembers) {
  settings s;
  auto applied = apply_json_text(s, "config.json",
                                 R"({"cluster": {"nodes": "a=10.0.0.1:1,b.2=[::1]:65535"}})");
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_EQ(s.cluster.nodes,
            (std::vector<cluster_member>{{"a", "10.0.0.1", 1, ""}, {"b.2", "::1", 65535, ""}}));
}

TEST(ClusterNodes, BadMembersAreNamed) {
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": 5}})"),
            R"(config.json: cluster.nodes: must be an array of {"id", "host", "port", "http"?} )"
            R"(or a string "id=host:port,...", got 5)");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": [{"id": "n1", "host": "h"}]}})"),
            "config.json: cluster.nodes: [0].port: must be an integer 1..65535, got nothing");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": [{"id": "n1", "host": "h", "port": 0}]}})"),
            "config.json: cluster.nodes: [0].port: must be an integer 1..65535, got 0");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": [{"id": "n1", "host": "", "port": 1}]}})"),
            "config.json: cluster.nodes: [0].host: must be a host name or address");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": [{"id": "n 1", "host": "h", "port": 1}]}})"),
            "config.json: cluster.nodes: [0].id: must hold only letters, digits, '.', '_' or "
            R"('-', got "n 1")");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": [{"host": "h", "port": 1}]}})"),
            "config.json: cluster.nodes: [0].id: must be a string");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": [{"id": "n", "host": "h", "port": 1, "x": 1}]}})"),
            "config.json: cluster.nodes: [0].x: unknown key");
  EXPECT_EQ(
      json_error(R"({"cluster": {"nodes": [{"id": "n", "host": "h", "port": 1, "http": "h:1"}]}})"),
      R"(config.json: cluster.nodes: [0].http: must be an http:// or https:// URL, got "h:1")");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": "n1=127.0.0.1:4101,n2=127.0.0.1"}})"),
            R"(config.json: cluster.nodes: [1] "n2=127.0.0.1": must be id=host:port)");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": "n1=::1:4101"}})"),
            R"(config.json: cluster.nodes: [0] "n1=::1:4101": must be id=host:port)");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": "n1=h:70000"}})"),
            R"(config.json: cluster.nodes: [0] "n1=h:70000": must be id=host:port)");
  EXPECT_EQ(json_error(R"({"cluster": {"nodes": "=h:1"}})"),
            R"(config.json: cluster.nodes: [0].id: must be 1 to 64 characters, got "")");
}

TEST(ClusterNodes, EnvironmentTakesJsonOrTheCompactForm) {
  auto s =
      load({.environment = {"ORDO_NODE_ID=n2",
                            R"(ORDO_CLUSTER_NODES=[{"id":"n1","host":"127.0.0.1","port":4101},)"
                            R"({"id":"n2","host":"127.0.0.1","port":4102}])"}});
  ASSERT_TRUE(s) << s.error();
  ASSERT_EQ(s->cluster.nodes.size(), 2u);
  EXPECT_EQ(s->cluster.nodes[1], (cluster_member{"n2", "127.0.0.1", 4102, ""}));
  auto compact = load({.environment = {"ORDO_NODE_ID=n3", "ORDO_CLUSTER_NODES=" + three}});
  ASSERT_TRUE(compact) << compact.error();
  EXPECT_EQ(compact->cluster.port, 4103);
  EXPECT_EQ(load_error({.environment = {"ORDO_CLUSTER_NODES=[{\"id\":\"n1\"}]"}}),
            "ORDO_CLUSTER_NODES: cluster.nodes: [0].host: must be a host name or address");
}

TEST(ClusterNodes, EveryOtherClusterKeyFromFileAndEnvironment) {
  auto s = load(
      {.environment = {"ORDO_CLUSTER_HOST=::1", "ORDO_CLUSTER_PORT=4200",
                       "ORDO_CLUSTER_HEARTBEAT_MS=200", "ORDO_CLUSTER_CONNECTION_TIMEOUT_MS=600",
                       "ORDO_CLUSTER_FORWARD_WINDOW=8", "ORDO_CLUSTER_TLS_CERT=c.pem",
                       "ORDO_CLUSTER_TLS_KEY=k.pem", "ORDO_CLUSTER_TLS_CA=ca.pem"}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->cluster.host, "::1");
  EXPECT_EQ(s->cluster.port, 4200);  // a single node keeps it as given
  EXPECT_EQ(s->cluster.heartbeat_ms, 200);
  EXPECT_EQ(s->cluster.connection_timeout_ms, 600);
  EXPECT_EQ(s->cluster.forward_window, 8u);
  EXPECT_EQ(s->cluster.tls, (cluster_tls_settings{"c.pem", "k.pem", "ca.pem"}));
  EXPECT_TRUE(s->cluster.tls.configured());
  EXPECT_EQ(json_error(R"({"cluster": {"tls": {"ca": 1}}})"),
            "config.json: cluster.tls.ca: must be a string, got 1");
  EXPECT_EQ(json_error(R"({"cluster": {"forward_window": 0}})"),
            "config.json: cluster.forward_window: must be an integer 1..1000000, got 0");
  EXPECT_EQ(json_error(R"({"cluster": {"heartbeat_ms": 0}})"),
            "config.json: cluster.heartbeat_ms: must be an integer 1..86400000, got 0");
  EXPECT_EQ(json_error(R"({"cluster": {"tls": 1}})"),
            "config.json: cluster.tls: must be an object");
}

TEST(ClusterFlags, ServeTakesNodeIdMembersAndClusterPort) {
  auto s = serve_with({"--node-id", "n2", "--members", three, "--cluster-host=::1"});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->node.id, "n2");
  EXPECT_EQ(s->cluster.nodes.size(), 3u);
  EXPECT_EQ(s->cluster.port, 4102);  // from n2's member
  EXPECT_EQ(s->cluster.host, "::1");
  auto agreeing = serve_with({"--node-id=n1", "--cluster-port=4101", "--members=" + three});
  ASSERT_TRUE(agreeing) << agreeing.error();
  EXPECT_EQ(agreeing->cluster.port, 4101);
  EXPECT_EQ(serve_with({"--node-id", "n1", "--cluster-port", "4102", "--members", three}).error(),
            "settings: cluster.port: 4102 disagrees with this node's member n1 in cluster.nodes "
            "(port 4101)");
  EXPECT_EQ(serve_with({"--members", "n1=127.0.0.1"}).error(),
            R"(--members: cluster.nodes: [0] "n1=127.0.0.1": must be id=host:port)");
  EXPECT_EQ(serve_with({"--cluster-port", "x"}).error(),
            R"(--cluster-port: cluster.port: must be an integer 0..65535, got "x")");
  EXPECT_EQ(serve_with({"--node-id", ""}).error(),
            R"(--node-id: node.id: must be a non-empty string, got "")");
  std::vector<std::string_view> missing{"--members"};
  EXPECT_EQ(parse_serve_arguments(missing).error(), "--members: needs a value");
}

TEST(ClusterFlags, FlagsBeatEnvironmentBeatsFile) {
  settings from_file;
  ASSERT_TRUE(apply_json_text(from_file, "f", R"({"cluster": {"nodes": "a=127.0.0.1:1"}})"));
  auto options =
      parse_serve_arguments(std::vector<std::string_view>{"--members", three, "--node-id", "n3"});
  ASSERT_TRUE(options);
  auto from = options->settings_sources;
  from.environment = {"ORDO_CLUSTER_NODES=x=127.0.0.1:9,y=127.0.0.1:8", "ORDO_NODE_ID=x"};
  auto s = load(from);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->node.id, "n3");
  EXPECT_EQ(s->cluster.nodes.size(), 3u);  // the flag's list replaces the variable's
  from.flags.clear();
  auto env_only = load(from);
  ASSERT_TRUE(env_only) << env_only.error();
  EXPECT_EQ(env_only->cluster.nodes.size(), 2u);
  EXPECT_EQ(env_only->cluster.port, 9);
}

TEST(ClusterRules, DuplicateIdsAreRefused) {
  EXPECT_EQ(load_error({.flags = {{"--node-id", "node.id", "n1"},
                                  {"--members", "cluster.nodes",
                                   "n1=127.0.0.1:4101,n2=127.0.0.1:4102,n1=127.0.0.1:4103"}}}),
            R"(settings: cluster.nodes[2].id: repeats the id "n1" of cluster.nodes[0])");
}

TEST(ClusterRules, DuplicateAddressesAreRefused) {
  EXPECT_EQ(load_error(
                {.flags = {{"--node-id", "node.id", "n1"},
                           {"--members", "cluster.nodes", "n1=127.0.0.1:4101,n2=127.0.0.1:4101"}}}),
            "settings: cluster.nodes[1]: repeats the address 127.0.0.1:4101 of cluster.nodes[0]");
  EXPECT_EQ(load_error({.flags = {{"--node-id", "node.id", "n1"},
                                  {"--members", "cluster.nodes", "n1=Host:1,n2=host:1"}}}),
            "settings: cluster.nodes[1]: repeats the address host:1 of cluster.nodes[0]");
  EXPECT_EQ(
      load_error({.flags = {{"--node-id", "node.id", "n1"},
                            {"--members", "cluster.nodes", "n1=[::1]:1,n2=::1:2,n3=[::1]:1"}}}),
      R"(--members: cluster.nodes: [1] "n2=::1:2": must be id=host:port)");
  EXPECT_EQ(load_error({.flags = {{"--node-id", "node.id", "n1"},
                                  {"--members", "cluster.nodes", "n1=[::1]:1,n3=[::1]:1"}}}),
            "settings: cluster.nodes[1]: repeats the address [::1]:1 of cluster.nodes[0]");
}

TEST(ClusterRules, SelfMustBeAMemberOfTwoOrMore) {
  EXPECT_EQ(load_error(
                {.flags = {{"--node-id", "node.id", "n9"}, {"--members", "cluster.nodes", three}}}),
            R"(settings: node.id: "n9" is not among the members of cluster.nodes (n1, n2, n3))");
  // The default node.id in a cluster is no member either.
  EXPECT_EQ(
      load_error({.flags = {{"--members", "cluster.nodes", three}}}),
      R"(settings: node.id: "node-1" is not among the members of cluster.nodes (n1, n2, n3))");
  // One member or none: a single node, whatever its id.
  auto single = load({.flags = {{"--members", "cluster.nodes", "n1=127.0.0.1:4101"}}});
  ASSERT_TRUE(single) << single.error();
  EXPECT_FALSE(single->cluster.clustered());
  EXPECT_EQ(single->cluster.port, 0);  // nothing listens: no port is filled in
}

TEST(ClusterRules, ConnectionTimeoutNeedsThreeHeartbeats) {
  EXPECT_EQ(load_error({.environment = {"ORDO_CLUSTER_CONNECTION_TIMEOUT_MS=2999"}}),
            "settings: cluster.connection_timeout_ms: must be at least 3 x cluster.heartbeat_ms "
            "(3000), got 2999");
  EXPECT_EQ(load_error({.environment = {"ORDO_CLUSTER_HEARTBEAT_MS=2000"}}),
            "settings: cluster.connection_timeout_ms: must be at least 3 x cluster.heartbeat_ms "
            "(6000), got 5000");
  EXPECT_TRUE(load({.environment = {"ORDO_CLUSTER_CONNECTION_TIMEOUT_MS=3000"}}));
  EXPECT_TRUE(load({.environment = {"ORDO_CLUSTER_HEARTBEAT_MS=100",
                                    "ORDO_CLUSTER_CONNECTION_TIMEOUT_MS=300"}}));
}

TEST(ClusterRules, TlsIsAllOrNothing) {
  EXPECT_EQ(load_error({.environment = {"ORDO_CLUSTER_TLS_CERT=c", "ORDO_CLUSTER_TLS_KEY=k"}}),
            "settings: cluster.tls.ca: cluster.tls.cert, cluster.tls.key and cluster.tls.ca must "
            "be set together");
  EXPECT_EQ(load_error({.environment = {"ORDO_CLUSTER_TLS_CA=ca"}}),
            "settings: cluster.tls.cert: cluster.tls.cert, cluster.tls.key and cluster.tls.ca must "
            "be set together");
  EXPECT_EQ(load_error({.environment = {"ORDO_CLUSTER_TLS_CERT=c", "ORDO_CLUSTER_TLS_CA=ca"}}),
            "settings: cluster.tls.key: cluster.tls.cert, cluster.tls.key and cluster.tls.ca must "
            "be set together");
}

settings cluster_on(std::string host, std::string members, bool tls = false) {
  auto s = serve_with({"--node-id", "n1", "--cluster-host", host, "--members", members});
  EXPECT_TRUE(s) << s.error();
  if (tls) s->cluster.tls = {"n1.pem", "n1.key", "ca.pem"};
  return *s;
}

TEST(ClusterExposure, NonLoopbackNeedsTlsUnlessInsecure) {
  EXPECT_EQ(refuse_to_serve(cluster_on("127.0.0.1", three), false), std::nullopt);
  EXPECT_EQ(refuse_to_serve(cluster_on("::1", "n1=[::1]:1,n2=localhost:2"), false), std::nullopt);

  auto listening = cluster_on("0.0.0.0", three);
  auto refused = refuse_to_serve(listening, false);
  ASSERT_NE(refused, std::nullopt);
  EXPECT_TRUE(
      refused->starts_with("refusing to listen for cluster members on cluster.host "
                           "0.0.0.0 without cluster.tls.cert, cluster.tls.key and "
                           "cluster.tls.ca"))
      << *refused;
  EXPECT_EQ(refused->find('\n'), std::string::npos);
  EXPECT_EQ(refuse_to_serve(listening, true), std::nullopt);
  EXPECT_EQ(refuse_to_serve(cluster_on("0.0.0.0", three, /*tls=*/true), false), std::nullopt);

  auto remote_member =
      refuse_to_serve(cluster_on("127.0.0.1", "n1=127.0.0.1:1,n2=10.0.0.2:2"), false);
  ASSERT_NE(remote_member, std::nullopt);
  EXPECT_TRUE(
      remote_member->starts_with("refusing to reach cluster member n2 at 10.0.0.2 "
                                 "(cluster.nodes) without cluster.tls.cert"))
      << *remote_member;
  EXPECT_EQ(refuse_to_serve(cluster_on("127.0.0.1", "n1=127.0.0.1:1,n2=10.0.0.2:2", true), false),
            std::nullopt);
}

TEST(ClusterExposure, ASingleNodeNeedsNothingOfTheCluster) {
  EXPECT_EQ(refuse_to_serve(cluster_on("0.0.0.0", "n1=10.0.0.1:1"), false), std::nullopt);
  EXPECT_EQ(refuse_to_serve(cluster_on("0.0.0.0", ""), false), std::nullopt);
}

}  // namespace
}  // namespace ordo::config
