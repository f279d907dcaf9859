// Three real `ordo serve` processes on loopback, one cluster: any node serves any order, a killed
// node costs only its own shards (fast 503s, everything else keeps working), and after a restart
// it serves again with every write it acknowledged.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "cluster_support.hpp"
#include "node_process.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A cluster port a restarted node can take again (below the ephemeral range).
int free_port() {
  static std::mt19937_64 random{std::random_device{}()};
  return stable_port(random);
}

// Whether process `pid` is stopped (SIGSTOP takes effect a moment after kill() returns).
bool is_stopped(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto end_of_name = line.rfind(')');
  return end_of_name != std::string::npos && end_of_name + 2 < line.size() &&
         line[end_of_name + 2] == 'T';
}

class ThreeNodes : public ::testing::Test {
 protected:
  static constexpr int count = 3;

  void SetUp() override {
    for (int i = 0; i < count; ++i) {
      ids_.push_back("n" + std::to_string(i + 1));
      dirs_.push_back(fresh_data_dir("cluster-" + ids_.back()));
      cluster_ports_.push_back(free_port());
    }
    for (int i = 0; i < count; ++i) {
      members_ += (i ? "," : "") + ids_[i] + "=127.0.0.1:" + std::to_string(cluster_ports_[i]);
    }
    nodes_.resize(count);
    for (int i = 0; i < count; ++i) start(i);
    for (int i = 0; i < count; ++i) ASSERT_TRUE(sees_all_up(i)) << ids_[i] << " never saw all up";
  }

  void TearDown() override {
    for (auto& n : nodes_) n.reset();
    for (auto& d : dirs_) std::filesystem::remove_all(d);
  }

  void start(int i) {
    // Short failure detection for the test: heartbeat 250 ms, connection timeout 2 s (a loaded
    // machine misses shorter ones).
    nodes_[i] = std::make_unique<node_process>(
        dirs_[i], std::vector<std::string>{"--node-id", ids_[i], "--members", members_},
        std::vector<std::string>{"ORDO_CLUSTER_HEARTBEAT_MS=250",
                                 "ORDO_CLUSTER_CONNECTION_TIMEOUT_MS=2000",
                                 "ORDO_SAGAS_STEP_TIMEOUT_MS=2000"});
  }

  api_client client(int i, int read_timeout_s = 30) {
    return api_client(nodes_[i]->port(), {}, read_timeout_s);
  }

  bool sees_all_up(int i) {
    return eventually([&] {
      auto body = client(i).get("/v1/inspect/cluster").json();
      if (!body.contains("nodes")) return false;
      int up = 0;
      for (auto& n : body["nodes"]) up += n["state"] == "up";
      return up == count - 1;
    });
  }

  std::string owner_of(const std::string& type, const std::string& id) {
    return client(0)
        .get("/v1/inspect/cluster/owner?type=" + type + "&id=" + id)
        .json()["owner"]
        .get<std::string>();
  }

  // An order id owned by each node: {"n1": "o-..", ...}.
  std::map<std::string, std::string> one_order_per_node(const std::string& prefix) {
    std::map<std::string, std::string> ids;
    for (int k = 0; ids.size() < count && k < 1000; ++k) {
      auto id = prefix + std::to_string(k);
      ids.emplace(owner_of("order", id), id);
    }
    return ids;
  }

  int index_of(const std::string& id) const {
    for (int i = 0; i < count; ++i)
      if (ids_[i] == id) return i;
    return -1;
  }

  std::vector<std::string> ids_;
  std::vector<std::filesystem::path> dirs_;
  std::vector<int> cluster_ports_;
  std::string members_;
  std::vector<std::unique_ptr<node_process>> nodes_;
};

TEST_F(ThreeNodes, AnyNodeServesAnyOrderAndTheOwnerAnswers) {
  auto orders = one_order_per_node("any-");
  ASSERT_EQ(orders.size(), 3u);
  int entry = 0;
  for (auto& [owner, id] : orders) {
    // Created through one node, changed through the next, read through every node.
    auto created =
        client(entry % count).post("/v1/orders", {{"customer_id", "c1"}, {"order_id", id}});
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("X-Ordo-Node"), owner);
    auto added = client((entry + 1) % count)
                     .post("/v1/orders/" + id + "/items",
                           {{"sku", "sku-1"}, {"quantity", 2}, {"unit_price_cents", 150}});
    ASSERT_EQ(added.status, 200) << added.body;
    EXPECT_EQ(added.header("ETag"), "\"2\"");
    for (int i = 0; i < count; ++i) {
      auto read = client(i).get("/v1/orders/" + id);
      ASSERT_EQ(read.status, 200) << ids_[i] << ": " << read.body;
      EXPECT_EQ(read.header("X-Ordo-Node"), owner);
      EXPECT_EQ(read.json()["version"], 2);
      EXPECT_EQ(read.json()["items"].size(), 1u);
    }
    ++entry;
  }
}

TEST_F(ThreeNodes, EveryMembersOwnFiguresAreReadThroughAnyNode) {
  for (int i = 0; i < count; ++i) {
    auto figures = client(0).get("/v1/inspect/node?member=" + ids_[i]);
    ASSERT_EQ(figures.status, 200) << figures.body;
    EXPECT_EQ(figures.json()["node_id"], ids_[i]);
  }
  EXPECT_EQ(client(1).get("/v1/inspect/node?member=n9").status, 400);
  nodes_[2]->kill_hard();
  ASSERT_TRUE(eventually(
      [&] { return client(0).get("/v1/inspect/node?member=" + ids_[2]).status == 503; }));
}

TEST_F(ThreeNodes, AnOrdersEventsHistoryAndViewReadTheSameOnEveryNode) {
  auto orders = one_order_per_node("reads-");
  for (auto& [owner, id] : orders) {
    ASSERT_EQ(client(0).post("/v1/orders", {{"customer_id", "c1"}, {"order_id", id}}).status, 201);
    auto added = client(1).post("/v1/orders/" + id + "/items",
                                {{"sku", "sku-1"}, {"quantity", 2}, {"unit_price_cents", 150}});
    ASSERT_EQ(added.status, 200) << added.body;
    auto token = added.header("X-Consistency-Token");
    for (int i = 0; i < count; ++i) {
      auto events = client(i).get("/v1/orders/" + id + "/events?from=2");
      ASSERT_EQ(events.status, 200) << ids_[i] << ": " << events.body;
      EXPECT_EQ(events.header("X-Ordo-Node"), owner);
      EXPECT_EQ(events.json()["events"].size(), 1u) << events.body;
      EXPECT_EQ(events.json()["highest_version"], 2);
      auto history = client(i).get("/v1/orders/" + id + "/history?version=1");
      ASSERT_EQ(history.status, 200) << ids_[i] << ": " << history.body;
      EXPECT_EQ(history.json()["items"], json::array());
      // Read-your-writes across nodes: the token of the owner's journal, honoured by the owner.
      auto view = client(i).get("/v1/views/orders/" + id, {{"X-Consistency-Token", token}});
      ASSERT_EQ(view.status, 200) << ids_[i] << ": " << view.body;
      EXPECT_EQ(view.json()["item_count"], 2) << view.body;
    }
    EXPECT_EQ(client(2).get("/v1/orders/" + id + "/events?from=x").status, 400);
  }
  EXPECT_EQ(client(0).get("/v1/orders/never-made/events").status, 404);
}

TEST_F(ThreeNodes, ViewsOfTheWholeClusterMergeEveryNodeAndHonourEveryNodesToken) {
  // Two orders of one customer on each node, each written through another node.
  std::vector<std::string> ids;
  std::string tokens;
  for (const auto& prefix : {"merge-a", "merge-b"}) {
    for (auto& [owner, id] : one_order_per_node(prefix)) {
      auto created = client(1).post("/v1/orders", {{"customer_id", "c-merge"}, {"order_id", id}});
      ASSERT_EQ(created.status, 201) << created.body;
      auto token = created.header("X-Consistency-Token");
      EXPECT_EQ(token.rfind(owner + ":p", 0), 0u) << token;  // names the owner's journal
      tokens += (tokens.empty() ? "" : ",") + token;
      ids.push_back(id);
    }
  }
  ASSERT_EQ(ids.size(), 6u);
  std::sort(ids.begin(), ids.end());
  for (int i = 0; i < count; ++i) {
    // Read-your-writes: every node waits for its own part of the tokens.
    auto listed =
        client(i).get("/v1/views/orders?customer_id=c-merge", {{"X-Consistency-Token", tokens}});
    ASSERT_EQ(listed.status, 200) << ids_[i] << ": " << listed.body;
    auto body = listed.json();
    std::vector<std::string> seen;
    for (const auto& o : body["orders"]) seen.push_back(o["order_id"]);
    EXPECT_EQ(seen, ids) << listed.body;
    EXPECT_TRUE(body["next"].is_null());
    EXPECT_FALSE(body.contains("missing_nodes"));

    auto stats = client(i).get("/v1/views/stats", {{"X-Consistency-Token", tokens}});
    ASSERT_EQ(stats.status, 200) << stats.body;
    auto figures = stats.json();
    EXPECT_EQ(figures["orders_by_status"]["draft"], 6) << stats.body;
    // Its position is a token naming every node, which a read may send back.
    auto position = figures["position"].get<std::string>();
    for (const auto& id : ids_) EXPECT_NE(position.find(id + ":p"), std::string::npos) << position;
    EXPECT_EQ(client(i).get("/v1/views/stats", {{"X-Consistency-Token", position}}).status, 200);
  }
  // Pages of two, through the merge, show every order once.
  std::vector<std::string> paged;
  std::string cursor;
  for (int round = 0; round < 10; ++round) {
    auto page = client(2).get("/v1/views/orders?customer_id=c-merge&limit=2" +
                              (cursor.empty() ? "" : "&after=" + cursor));
    ASSERT_EQ(page.status, 200) << page.body;
    auto body = page.json();
    EXPECT_LE(body["orders"].size(), 2u);
    for (const auto& o : body["orders"]) paged.push_back(o["order_id"]);
    if (body["next"].is_null()) break;
    cursor = body["next"].get<std::string>();
  }
  EXPECT_EQ(paged, ids);
  // Tokens that name no node, or a node of no member, are refused.
  EXPECT_EQ(client(0).get("/v1/views/stats", {{"X-Consistency-Token", "p1"}}).status, 400);
  EXPECT_EQ(client(0).get("/v1/views/stats", {{"X-Consistency-Token", "n9:p1"}}).status, 400);
  EXPECT_EQ(client(0).get("/v1/views/stats?partial=maybe").status, 400);
  EXPECT_EQ(client(0).get("/v1/views/orders?limit=0").status, 400);

  // With a node down the merge is incomplete: 503, or what the others have with ?partial=true.
  auto victim = 2;
  nodes_[victim]->kill_hard();
  ASSERT_TRUE(eventually(
      [&] { return client(0).get("/v1/views/orders?customer_id=c-merge").status == 503; }));
  auto refused = client(0).get("/v1/views/orders?customer_id=c-merge");
  EXPECT_EQ(refused.json()["code"], "unavailable") << refused.body;
  EXPECT_FALSE(refused.header("Retry-After").empty());
  auto partial = client(0).get("/v1/views/orders?customer_id=c-merge&partial=true");
  ASSERT_EQ(partial.status, 200) << partial.body;
  auto body = partial.json();
  EXPECT_EQ(body["missing_nodes"], json::array({ids_[victim]}));
  EXPECT_EQ(body["orders"].size(), 4u) << partial.body;
  for (const auto& o : body["orders"])
    EXPECT_NE(owner_of("order", o["order_id"]), ids_[victim]) << o;
  auto partial_stats = client(1).get("/v1/views/stats?partial=true");
  ASSERT_EQ(partial_stats.status, 200) << partial_stats.body;
  EXPECT_EQ(partial_stats.json()["orders_by_status"]["draft"], 4);
}

TEST_F(ThreeNodes, AKilledNodeCostsOnlyItsShardsAndServesItsWritesAfterARestart) {
  auto orders = one_order_per_node("kill-");
  ASSERT_EQ(orders.size(), 3u);
  for (auto& [owner, id] : orders)
    ASSERT_EQ(client(0).post("/v1/orders", {{"customer_id", "c1"}, {"order_id", id}}).status, 201);
  auto victim = orders.begin()->first == "n1" ? std::next(orders.begin())->first
                                              : orders.begin()->first;  // never n1, the entry
  const auto& lost_order = orders.at(victim);
  nodes_[index_of(victim)]->kill_hard();
  auto killed_at = clock_type::now();

  // Its shards answer 503 within a second of the kill, each answer fast, and say which node.
  std::optional<clock_type::duration> refused_after;
  while (clock_type::now() - killed_at < 5s) {
    auto sent = clock_type::now();
    auto r = client(0).post("/v1/orders/" + lost_order + "/items",
                            {{"sku", "sku-1"}, {"quantity", 1}, {"unit_price_cents", 100}});
    if (r.status == 503) {
      EXPECT_LT(clock_type::now() - sent, 1s) << "a refusal took long";
      EXPECT_NE(r.body.find(victim), std::string::npos) << r.body;
      EXPECT_FALSE(r.header("Retry-After").empty());
      refused_after = clock_type::now() - killed_at;
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(refused_after) << "the dead node's order never answered 503";
  std::printf("SIGKILL of %s: its shards answered 503 after %lld ms\n", victim.c_str(),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(*refused_after).count()));
  EXPECT_LT(*refused_after, 2s);

  // Every other order keeps working.
  for (auto& [owner, id] : orders) {
    if (owner == victim) continue;
    auto r = client(0).post("/v1/orders/" + id + "/items",
                            {{"sku", "sku-2"}, {"quantity", 1}, {"unit_price_cents", 100}});
    EXPECT_EQ(r.status, 200) << owner << ": " << r.body;
  }

  // Back on the same ports and data: it serves again, with what it acknowledged before.
  start(index_of(victim));
  ASSERT_TRUE(eventually([&] { return client(0).get("/v1/orders/" + lost_order).status == 200; }))
      << "the restarted node's order is not served again";
  auto read = client(0).get("/v1/orders/" + lost_order);
  EXPECT_EQ(read.json()["version"], 1) << read.body;
  EXPECT_EQ(read.header("X-Ordo-Node"), victim);
}

TEST_F(ThreeNodes, AFrozenNodeIsNoticedWithinTheConnectionTimeout) {
  auto orders = one_order_per_node("stop-");
  ASSERT_EQ(orders.size(), 3u);
  for (auto& [owner, id] : orders)
    ASSERT_EQ(client(0).post("/v1/orders", {{"customer_id", "c1"}, {"order_id", id}}).status, 201);
  const std::string victim = "n3";
  kill(nodes_[2]->pid(), SIGSTOP);
  ASSERT_TRUE(eventually([&] { return is_stopped(nodes_[2]->pid()); }));
  auto stopped_at = clock_type::now();
  // connection timeout (2 s) + heartbeat (250 ms), with room for a loaded machine.
  bool refused = eventually(
      [&] { return client(0, 5).get("/v1/orders/" + orders.at(victim)).status == 503; }, 10s);
  auto noticed_after = clock_type::now() - stopped_at;
  std::printf("SIGSTOP: noticed after %lld ms (heartbeat 250 ms, connection timeout 2000 ms)\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(noticed_after).count()));
  kill(nodes_[2]->pid(), SIGCONT);
  ASSERT_TRUE(refused) << "a frozen node's order never answered 503";
  EXPECT_LT(noticed_after, 6s);
  // Once it runs again, it is reconnected and serves.
  EXPECT_TRUE(
      eventually([&] { return client(0).get("/v1/orders/" + orders.at(victim)).status == 200; }));
}

TEST_F(ThreeNodes, ACommandInFlightWhenItsOwnerDiesIs504AndItsRetryAppliesOnce) {
  auto orders = one_order_per_node("504-");
  const std::string victim = "n3";
  const auto& id = orders.at(victim);
  ASSERT_EQ(client(0).post("/v1/orders", {{"customer_id", "c1"}, {"order_id", id}}).status, 201);
  // Frozen, n3 takes the forwarded command into its socket but never reads it: the command is in
  // flight when n3 dies.
  kill(nodes_[2]->pid(), SIGSTOP);
  ASSERT_TRUE(eventually([&] { return is_stopped(nodes_[2]->pid()); }));
  const httplib::Headers key{{"Idempotency-Key", "in-flight-1"}};
  const json item{{"sku", "sku-1"}, {"quantity", 1}, {"unit_price_cents", 100}};
  auto in_flight = std::async(
      std::launch::async, [&] { return client(0).post("/v1/orders/" + id + "/items", item, key); });
  // The forward is sent once n1 shows it in flight; then n3 dies.
  ASSERT_TRUE(eventually([&] {
    auto view = client(0).get("/v1/inspect/cluster").json();
    for (auto& n : view["nodes"])
      if (n["id"] == victim && n["in_flight"].get<int>() > 0) return true;
    return false;
  }));
  nodes_[2]->kill_hard();
  auto answer = in_flight.get();
  EXPECT_EQ(answer.status, 504) << answer.body;
  EXPECT_EQ(answer.json()["code"], "outcome_unknown") << answer.body;

  start(2);
  ASSERT_TRUE(eventually([&] {
    return client(0).post("/v1/orders/" + id + "/items", item, key).status == 200;
  })) << "the retry never succeeded";
  auto read = client(1).get("/v1/orders/" + id);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["items"][0]["quantity"], 1) << read.body;  // applied once
  EXPECT_EQ(read.json()["version"], 2) << read.body;
}

TEST_F(ThreeNodes, AnErasureReachesEveryNodeAndANodeThatWasDownWhenItReturns) {
  const json shipping{{"name", "Ina Clusterwise"}, {"email", "ina@c.org"}, {"address", "3 Way"}};
  auto erased_on = [&](int via, const std::string& id) {
    auto order = client(via).get("/v1/orders/" + id);
    return order.status == 200 && order.json()["shipping"]["name"] == "[erased]";
  };
  // One customer's orders on every node, erased through one.
  auto first = one_order_per_node("pd-a");
  for (auto& [owner, id] : first)
    ASSERT_EQ(
        client(2)
            .post("/v1/orders", {{"customer_id", "cx"}, {"order_id", id}, {"shipping", shipping}})
            .status,
        201);
  auto access = client(1).get("/v1/customers/cx/personal-data");
  ASSERT_EQ(access.status, 200) << access.body;
  EXPECT_EQ(access.json()["orders"].size(), 3u) << access.body;
  auto erased = client(0).call("DELETE", "/v1/customers/cx/personal-data");
  ASSERT_EQ(erased.status, 204) << erased.body;
  for (auto& [owner, id] : first)
    for (int i = 0; i < count; ++i) EXPECT_TRUE(erased_on(i, id)) << id << " via " << ids_[i];
  EXPECT_EQ(client(2).get("/v1/customers/cx/personal-data").status, 404);

  // A node that is down when the erasure comes gets it once it is back: 503 until then.
  auto second = one_order_per_node("pd-b");
  for (auto& [owner, id] : second)
    ASSERT_EQ(
        client(0)
            .post("/v1/orders", {{"customer_id", "cy"}, {"order_id", id}, {"shipping", shipping}})
            .status,
        201);
  int victim = 2;
  nodes_[victim]->kill_hard();
  ASSERT_TRUE(eventually([&] {
    auto body = client(0).get("/v1/inspect/cluster").json();
    for (auto& n : body["nodes"])
      if (n["id"] == ids_[victim]) return n["state"] == "down";
    return false;
  }));
  auto pending = client(0).call("DELETE", "/v1/customers/cy/personal-data");
  ASSERT_EQ(pending.status, 503) << pending.body;
  EXPECT_NE(pending.json()["detail"].get<std::string>().find(ids_[victim]), std::string::npos)
      << pending.body;
  for (auto& [owner, id] : second)
    if (owner != ids_[victim]) {
      EXPECT_TRUE(erased_on(1, id)) << id;
    }
  start(victim);
  ASSERT_TRUE(sees_all_up(0));
  const auto& victims_order = second.at(ids_[victim]);
  EXPECT_TRUE(eventually([&] { return erased_on(victim, victims_order); }, 15s))
      << client(victim).get("/v1/orders/" + victims_order).body;
  EXPECT_EQ(client(0).call("DELETE", "/v1/customers/cy/personal-data").status, 204);
}

TEST_F(ThreeNodes, ASagaWhoseStockNodeIsDownCompensatesAndLeavesNoHold) {
  // The order (and so its saga) on n1, one sku on n2, one on n3.
  std::string order, live_sku, dead_sku;
  for (int k = 0; order.empty() || live_sku.empty() || dead_sku.empty(); ++k) {
    auto id = std::to_string(k);
    if (order.empty() && owner_of("order", "comp-" + id) == "n1") order = "comp-" + id;
    if (live_sku.empty() && owner_of("stock", "sku-" + id) == "n2") live_sku = "sku-" + id;
    if (dead_sku.empty() && owner_of("stock", "sku-" + id) == "n3") dead_sku = "sku-" + id;
  }
  for (const auto& sku : {live_sku, dead_sku})
    ASSERT_EQ(client(0).post("/v1/inventory/" + sku + "/restock", {{"quantity", 10}}).status, 200);
  ASSERT_EQ(client(0).post("/v1/orders", {{"customer_id", "c1"}, {"order_id", order}}).status, 201);
  for (const auto& sku : {live_sku, dead_sku})
    ASSERT_EQ(client(0)
                  .post("/v1/orders/" + order + "/items",
                        {{"sku", sku}, {"quantity", 3}, {"unit_price_cents", 100}})
                  .status,
              200);
  nodes_[2]->kill_hard();
  ASSERT_EQ(client(0).post("/v1/orders/" + order + "/place", {{"payment_token", "tok_ok"}}).status,
            202);
  // The reserving step's deadline (2 s here) passes: the saga compensates, releasing what it may
  // have reserved on n2; its rejection waits for the release on n3.
  EXPECT_TRUE(eventually([&] {
    auto sagas = client(0).get("/v1/inspect/sagas").json();
    for (auto& saga : sagas["sagas"])
      if (saga["order_id"] == order && saga["step"] == "compensating") return true;
    return false;
  })) << client(0).get("/v1/inspect/sagas").body;
  EXPECT_EQ(client(0).get("/v1/orders/" + order).json()["status"], "placed");

  start(2);
  EXPECT_TRUE(eventually([&] {
    return client(0).get("/v1/orders/" + order).json()["status"] == "rejected";
  })) << client(0).get("/v1/orders/" + order).body;
  for (const auto& sku : {live_sku, dead_sku}) {
    auto stock = client(1).get("/v1/inventory/" + sku).json();
    EXPECT_EQ(stock["reserved"], 0) << sku << ": " << stock.dump();
    EXPECT_EQ(stock["available"], 10) << sku << ": " << stock.dump();
  }
}

}  // namespace
}  // namespace ordo::e2e
