// Network partitions between three real `ordo serve` processes, each in its own network
// namespace (netns_topology.hpp): a cut link is noticed within the heartbeat timeouts (the peer
// shows `down`, its shards answer 503 while every other shard keeps working), a healed link is
// up again within 5 s, a command forwarded into a cut is 504 and applies once when retried, and a
// node still (re)connects to the others while one of its peers is cut off. Needs root and
// `ip netns`; skipped with the reason otherwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "cluster_support.hpp"
#include "netns_topology.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Short failure detection so the file runs quickly; the bounds below are derived from these.
constexpr int heartbeat_ms = 200;
constexpr int connection_timeout_ms = 1000;
// A cut is noticed after connection_timeout (at the next heartbeat tick); the margin is for a
// loaded machine and for the 50 ms polling.
constexpr auto notice_bound =
    std::chrono::milliseconds(connection_timeout_ms + heartbeat_ms) + 1500ms;
constexpr auto heal_bound = 5s;     // the bound for a healed link
constexpr int cluster_port = 4101;  // every node has its own namespace: the same port for all

// What is left of `bound` since `start` (at least nothing).
std::chrono::milliseconds left_of(std::chrono::milliseconds bound, steady::time_point start) {
  auto left = bound - std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
  return std::max(left, std::chrono::milliseconds(0));
}

class Partitions : public ::testing::Test {
 protected:
  static constexpr int count = 3;

  void SetUp() override {
    if (auto reason = netns_topology::unavailable_reason()) {
      std::cout << "skipped: " << *reason << "\n";
      GTEST_SKIP() << *reason;
    }
    topology_ = std::make_unique<netns_topology>(count);
    for (int n = 1; n <= count; ++n) {
      dirs_.push_back(fresh_data_dir("netns-n" + std::to_string(n)));
      members_ += (n > 1 ? "," : "") + id(n) + "=" + topology_->address(n) + ":" +
                  std::to_string(cluster_port);
    }
    nodes_.resize(count + 1);
    for (int n = 1; n <= count; ++n) start(n);
    for (int n = 1; n <= count; ++n)
      for (int peer = 1; peer <= count; ++peer)
        if (peer != n) {
          ASSERT_TRUE(sees(n, peer, "up", 30s)) << id(n) << " never saw " << id(peer);
        }
  }

  void TearDown() override {
    // The nodes first: a namespace is gone only once no process is left in it.
    nodes_.clear();
    topology_.reset();
    for (auto& d : dirs_) std::filesystem::remove_all(d);
  }

  static std::string id(int n) { return "n" + std::to_string(n); }

  void start(int n) {
    auto address = topology_->address(n);
    nodes_[n] = std::make_unique<node_process>(
        dirs_[n - 1],
        std::vector<std::string>{"--node-id", id(n), "--members", members_, "--cluster-host",
                                 address, "--host", address, "--insecure"},
        std::vector<std::string>{
            "ORDO_CLUSTER_HEARTBEAT_MS=" + std::to_string(heartbeat_ms),
            "ORDO_CLUSTER_CONNECTION_TIMEOUT_MS=" + std::to_string(connection_timeout_ms)},
        topology_->exec_prefix(n));
  }

  api_client client(int n, int read_timeout_s = 10) {
    return api_client(nodes_[n]->host(), nodes_[n]->port(), {}, read_timeout_s);
  }

  std::string state(int n, int peer) {
    auto c = client(n);
    return peer_state(c, id(peer));
  }

  // Whether node n shows `peer` in state `expected` within `limit`.
  bool sees(int n, int peer, const std::string& expected, std::chrono::milliseconds limit) {
    auto c = client(n);
    return eventually([&] { return peer_state(c, id(peer)) == expected; }, limit);
  }

  // One order per node, made through its owner: {1: "o..", 2: ..., 3: ...}.
  std::map<int, std::string> one_order_per_node(const std::string& prefix) {
    std::map<int, std::string> orders;
    auto c = client(1);
    for (int k = 0; orders.size() < count && k < 1000; ++k) {
      auto order = prefix + std::to_string(k);
      auto owner = c.get("/v1/inspect/cluster/owner?type=order&id=" + order).json();
      int n = std::stoi(owner["owner"].get<std::string>().substr(1));
      if (orders.contains(n)) continue;
      orders[n] = order;
      auto created = client(n).post("/v1/orders", {{"customer_id", "c1"}, {"order_id", order}});
      EXPECT_EQ(created.status, 201) << created.body;
    }
    return orders;
  }

  // Adds one item to `order` through node `via`: the answer's status.
  int add_item(int via, const std::string& order) {
    return client(via)
        .post("/v1/orders/" + order + "/items",
              {{"sku", "sku-1"}, {"quantity", 1}, {"unit_price_cents", 100}})
        .status;
  }

  // Reads `order` through `via` until it answers 503, for up to `limit`: how long that took.
  // A read sent before the cut is noticed waits for its forward and is answered then.
  std::optional<double> seconds_until_unavailable(int via, const std::string& order,
                                                  steady::time_point since,
                                                  std::chrono::milliseconds limit) {
    auto c = client(via);
    while (steady::now() - since < limit) {
      auto r = c.get("/v1/orders/" + order);
      if (r.status == 503) return seconds_since(since);
      std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
  }

  // A fresh request for `order` through `via` is refused at once, naming the owner.
  void expect_refused_fast(int via, const std::string& order, int owner) {
    auto sent = steady::now();
    auto r = client(via).post("/v1/orders/" + order + "/items",
                              {{"sku", "sku-1"}, {"quantity", 1}, {"unit_price_cents", 100}});
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.json().value("code", ""), "unavailable") << r.body;
    EXPECT_NE(r.body.find(id(owner)), std::string::npos) << r.body;
    EXPECT_FALSE(r.header("Retry-After").empty());
    EXPECT_LT(seconds_since(sent), 0.2) << "a refusal took long";
  }

  std::unique_ptr<netns_topology> topology_;
  std::vector<std::filesystem::path> dirs_;
  std::string members_;
  std::vector<std::unique_ptr<node_process>> nodes_;  // 1-based
};

TEST_F(Partitions, ACutIsNoticedWithinTheTimeoutsOtherShardsKeepWorkingAndAHealReconnects) {
  auto orders = one_order_per_node("cut-");
  ASSERT_EQ(orders.size(), 3u);
  topology_->cut(1, 2);
  auto cut_at = steady::now();

  // Each side of the cut finds the other's shards unavailable within the timeouts (both
  // watched at once, so each figure is that side's own). Meanwhile n3's shard is written
  // through both sides: it does not wait for the cut to be noticed.
  auto n1_watch = std::async(std::launch::async, [&] {
    return seconds_until_unavailable(1, orders[2], cut_at, notice_bound);
  });
  std::atomic<bool> watching{true};
  auto other_shard = std::async(std::launch::async, [&] {
    std::map<int, int> answers;
    for (int k = 0; watching; ++k) ++answers[add_item(1 + k % 2, orders[3])];
    return answers;
  });
  auto n2_noticed = seconds_until_unavailable(2, orders[1], cut_at, notice_bound);
  auto n1_noticed = n1_watch.get();
  watching = false;
  auto answers = other_shard.get();
  EXPECT_EQ(answers.size(), 1u) << "n3's shard answered other than 200 during the cut";
  EXPECT_GT(answers[200], 0);
  std::cout << "writes to n3's shard through n1 and n2 until the cut was noticed:";
  for (auto [status, number] : answers) std::cout << " " << number << " x " << status;
  std::cout << "\n";
  ASSERT_TRUE(n1_noticed) << "n1 still forwards to n2 " << seconds_since(cut_at)
                          << " s after the cut";
  ASSERT_TRUE(n2_noticed) << "n2 still forwards to n1 " << seconds_since(cut_at)
                          << " s after the cut";
  std::cout << "cut noticed after " << *n1_noticed << " s (n1) and " << *n2_noticed
            << " s (n2); bound " << notice_bound.count() / 1000.0 << " s\n";
  EXPECT_EQ(state(1, 2), "down");
  EXPECT_EQ(state(2, 1), "down");
  expect_refused_fast(1, orders[2], 2);
  expect_refused_fast(2, orders[1], 1);

  // Everything that does not cross the cut keeps working: own shards, and n3's through both.
  for (int round = 0; round < 5; ++round) {
    EXPECT_EQ(add_item(1, orders[1]), 200);
    EXPECT_EQ(add_item(1, orders[3]), 200);
    EXPECT_EQ(add_item(2, orders[2]), 200);
    EXPECT_EQ(add_item(2, orders[3]), 200);
    EXPECT_EQ(add_item(3, orders[1]), 200);
    EXPECT_EQ(add_item(3, orders[2]), 200);
  }
  EXPECT_TRUE(sees(1, 3, "up", 0ms));
  EXPECT_TRUE(sees(2, 3, "up", 0ms));
  EXPECT_TRUE(sees(3, 1, "up", 0ms));
  EXPECT_TRUE(sees(3, 2, "up", 0ms));

  EXPECT_EQ(state(1, 2), "down") << "the cut let something through";
  auto healed_at = steady::now();  // the heal's own `ip` commands count
  topology_->heal(1, 2);
  EXPECT_TRUE(sees(1, 2, "up", left_of(heal_bound, healed_at)))
      << "n1 does not see n2 up 5 s after the heal";
  EXPECT_TRUE(sees(2, 1, "up", left_of(heal_bound, healed_at)))
      << "n2 does not see n1 up 5 s after the heal";
  std::cout << "healed link up after " << seconds_since(healed_at) << " s\n";
  // Forwarded commands across the healed link succeed again.
  EXPECT_EQ(add_item(1, orders[2]), 200);
  EXPECT_EQ(add_item(2, orders[1]), 200);
  auto read = client(1).get("/v1/orders/" + orders[2]);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.header("X-Ordo-Node"), "n2");
  // Created, 10 during the cut (5 through n2, 5 through n3), 1 now.
  EXPECT_EQ(read.json()["version"], 12) << read.body;
}

TEST_F(Partitions, ANodeRestartedWhileTwoOthersAreCutOffReconnectsToBoth) {
  auto orders = one_order_per_node("restart-");
  ASSERT_EQ(orders.size(), 3u);
  // Down on n2's side: n1's route to n2 stays, so n1's probes of n2 get no answer at all (the
  // slow case: each one waits for its timeout) while n1 is the one that connects to n3.
  topology_->cut(2, 1);
  ASSERT_TRUE(sees(1, 2, "down", notice_bound));
  ASSERT_TRUE(sees(2, 1, "down", notice_bound));

  nodes_[3]->kill_hard();
  ASSERT_TRUE(sees(1, 3, "down", notice_bound));
  ASSERT_TRUE(sees(2, 3, "down", notice_bound));
  start(3);
  auto restarted_at = steady::now();
  EXPECT_TRUE(sees(1, 3, "up", heal_bound)) << "n1 does not reach the restarted n3";
  EXPECT_TRUE(sees(2, 3, "up", heal_bound)) << "n2 does not reach the restarted n3";
  EXPECT_TRUE(sees(3, 1, "up", heal_bound));
  EXPECT_TRUE(sees(3, 2, "up", heal_bound));
  std::cout << "restarted n3 up with n1 and n2 after " << seconds_since(restarted_at) << " s\n";
  EXPECT_EQ(state(1, 2), "down");

  // n3's shards through both sides of the cut, and both sides' shards through n3.
  EXPECT_EQ(add_item(1, orders[3]), 200);
  EXPECT_EQ(add_item(2, orders[3]), 200);
  EXPECT_EQ(add_item(3, orders[1]), 200);
  EXPECT_EQ(add_item(3, orders[2]), 200);
  expect_refused_fast(1, orders[2], 2);

  topology_->heal(2, 1);
  EXPECT_TRUE(sees(1, 2, "up", heal_bound));
  EXPECT_EQ(add_item(1, orders[2]), 200);
}

TEST_F(Partitions, ANodeRestartedWithOnePeerCutOffReachesTheOtherAndGetsReady) {
  auto orders = one_order_per_node("alone-");
  ASSERT_EQ(orders.size(), 3u);
  // Down on n2's side, so the restarted n1 (which connects to both) finds a route to n2 that
  // answers nothing: its connects must not wait on n2 before n3.
  topology_->cut(2, 1);
  ASSERT_TRUE(sees(2, 1, "down", notice_bound));
  nodes_[1]->kill_hard();
  ASSERT_TRUE(sees(3, 1, "down", notice_bound));
  start(1);
  auto restarted_at = steady::now();
  EXPECT_TRUE(sees(1, 3, "up", heal_bound)) << "the restarted n1 does not reach n3";
  EXPECT_TRUE(sees(3, 1, "up", heal_bound));
  auto c = client(1);
  EXPECT_TRUE(eventually([&] { return c.get("/readyz").status == 200; }, heal_bound))
      << "a peer cut off keeps n1 unready";
  std::cout << "restarted n1 up with n3 and ready after " << seconds_since(restarted_at) << " s\n";
  EXPECT_EQ(state(1, 2), "down");
  EXPECT_EQ(add_item(1, orders[3]), 200);
  EXPECT_EQ(add_item(3, orders[1]), 200);
  expect_refused_fast(1, orders[2], 2);

  topology_->heal(2, 1);
  EXPECT_TRUE(sees(1, 2, "up", heal_bound));
  EXPECT_TRUE(sees(2, 1, "up", heal_bound));
  EXPECT_EQ(add_item(2, orders[1]), 200);
}

TEST_F(Partitions, AnIsolatedNodeIsDownForTheOthersServesItsOwnShardsAndRejoinsWhenHealed) {
  auto orders = one_order_per_node("isolated-");
  ASSERT_EQ(orders.size(), 3u);
  topology_->cut(3, 1);
  topology_->cut(3, 2);
  auto cut_at = steady::now();
  auto watch = [&](int via, const std::string& order) {
    return std::async(std::launch::async, [this, via, order, cut_at] {
      return seconds_until_unavailable(via, order, cut_at, notice_bound);
    });
  };
  auto n1_watch = watch(1, orders[3]);
  auto n2_watch = watch(2, orders[3]);
  auto from_n3 = seconds_until_unavailable(3, orders[1], cut_at, notice_bound);
  auto from_n1 = n1_watch.get();
  auto from_n2 = n2_watch.get();
  ASSERT_TRUE(from_n1 && from_n2 && from_n3) << "the isolation was not noticed everywhere";
  std::cout << "isolation of n3 noticed after " << *from_n1 << " s (n1), " << *from_n2
            << " s (n2), " << *from_n3 << " s (n3)\n";
  EXPECT_TRUE(sees(3, 1, "down", 0ms));
  EXPECT_TRUE(sees(3, 2, "down", 0ms));
  expect_refused_fast(1, orders[3], 3);
  expect_refused_fast(3, orders[2], 2);

  // n1 and n2 keep serving each other; n3 its own shards.
  EXPECT_TRUE(sees(1, 2, "up", 0ms));
  EXPECT_EQ(add_item(1, orders[2]), 200);
  EXPECT_EQ(add_item(2, orders[1]), 200);
  EXPECT_EQ(add_item(3, orders[3]), 200);

  auto healed_at = steady::now();
  topology_->heal(3, 1);
  topology_->heal(3, 2);
  for (auto [n, peer] : {std::pair{1, 3}, std::pair{2, 3}, std::pair{3, 1}, std::pair{3, 2}}) {
    EXPECT_TRUE(sees(n, peer, "up", left_of(heal_bound, healed_at)))
        << id(n) << " does not see " << id(peer) << " up 5 s after the heal";
  }
  std::cout << "isolated node rejoined after " << seconds_since(healed_at) << " s\n";
  EXPECT_EQ(add_item(1, orders[3]), 200);
  EXPECT_EQ(add_item(3, orders[2]), 200);
  auto read = client(2).get("/v1/orders/" + orders[3]);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["version"], 3) << read.body;  // created, one during, one after
}

TEST_F(Partitions, ACommandSentIntoACutIs504AndItsRetryAfterTheHealAppliesOnce) {
  auto orders = one_order_per_node("inflight-");
  ASSERT_EQ(orders.size(), 3u);
  const auto& order = orders[2];
  const httplib::Headers key{{"Idempotency-Key", "into-the-cut"}};
  const json item{{"sku", "sku-1"}, {"quantity", 1}, {"unit_price_cents", 100}};
  // Cut first, then send through n1 before n1 notices: the forward goes into the dead link.
  topology_->cut(1, 2);
  auto sent_at = steady::now();
  auto in_flight = std::async(std::launch::async, [&] {
    return client(1).post("/v1/orders/" + order + "/items", item, key);
  });
  EXPECT_TRUE(eventually(
      [&] {
        auto view = client(1).get("/v1/inspect/cluster").json();
        for (auto& n : view["nodes"])
          if (n["id"] == "n2" && n["in_flight"].get<int>() > 0) return true;
        return false;
      },
      notice_bound))
      << "the command was not forwarded";
  auto answer = in_flight.get();
  std::cout << "the command sent into the cut answered " << answer.status << " after "
            << seconds_since(sent_at) << " s\n";
  EXPECT_EQ(answer.status, 504) << answer.body;
  EXPECT_EQ(answer.json().value("code", ""), "outcome_unknown") << answer.body;
  EXPECT_LT(seconds_since(sent_at), std::chrono::duration<double>(notice_bound).count());

  topology_->heal(1, 2);
  ASSERT_TRUE(sees(1, 2, "up", heal_bound));
  auto retry = client(1).post("/v1/orders/" + order + "/items", item, key);
  EXPECT_EQ(retry.status, 200) << retry.body;
  auto read = client(3).get("/v1/orders/" + order);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["items"][0]["quantity"], 1) << read.body;  // applied once
  EXPECT_EQ(read.json()["version"], 2) << read.body;
}

}  // namespace
}  // namespace ordo::e2e
