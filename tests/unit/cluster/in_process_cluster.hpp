// In-process cluster members for tests: each with its own actor system (middleman on loopback),
// its own runtime and its own RocksDB in a temp dir; and a fake peer whose endpoint answers the
// handshake and then holds every command and read it gets (a peer that does not answer).
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <caf/io/all.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "actors/runtime.hpp"
#include "actors/shard.hpp"
#include "cluster/endpoint.hpp"
#include "cluster/node.hpp"
#include "persistence/database.hpp"

namespace ordo::cluster::in_process {

inline constexpr std::uint32_t test_shards = 4;
inline constexpr std::uint32_t test_wire_version = 1;

// A port nothing listens on right now (the kernel's pick; bound and released).
inline std::uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

inline std::filesystem::path fresh_temp_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("ordo-cluster-" + tag + "-" + std::to_string(rd()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir;
}

// True once `condition` holds; false after `limit` (a failure, never a pass).
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(15)) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Shard s belongs to members[s % members.size()]: a stand-in for the owner map.
inline std::function<std::string(std::uint32_t)> round_robin(
    std::vector<config::cluster_member> members) {
  return [members](std::uint32_t shard) { return members[shard % members.size()].id; };
}

inline config::cluster_settings cluster_of(std::vector<config::cluster_member> members,
                                           const std::string& self) {
  config::cluster_settings c;
  c.shards = test_shards;
  c.host = "127.0.0.1";
  c.nodes = members;
  for (auto& m : members)
    if (m.id == self) c.port = m.port;
  c.heartbeat_ms = 300;
  c.connection_timeout_ms = 3000;
  c.forward_window = 64;
  return c;
}

struct member_options {
  std::string fingerprint = "fp-test";
  std::size_t forward_window = 64;
  std::int64_t command_timeout_ms = 5000;
  config::cluster_tls_settings tls;  // none: plain BASP
  std::int64_t heartbeat_ms = 300;
  std::int64_t connection_timeout_ms = 3000;
  bool run_sagas = false;
};

// One member: database, cluster node and runtime, started; stop() in the right order.
class test_member {
 public:
  test_member(std::string id, std::vector<config::cluster_member> members,
              std::filesystem::path dir, member_options options = {})
      : id_(std::move(id)), members_(std::move(members)), dir_(std::move(dir)), options_(options) {
    start();
  }
  ~test_member() { stop(); }

  void start() {
    auto opened =
        persistence::database::open({.path = dir_.string(), .sync = persistence::sync_mode::none});
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    node_options o;
    o.settings.node.id = id_;
    o.settings.cluster = cluster_of(members_, id_);
    o.settings.cluster.forward_window = options_.forward_window;
    o.settings.cluster.tls = options_.tls;
    o.settings.cluster.heartbeat_ms = options_.heartbeat_ms;
    o.settings.cluster.connection_timeout_ms = options_.connection_timeout_ms;
    o.fingerprint = options_.fingerprint;
    o.wire_version = test_wire_version;
    o.owner_of = round_robin(members_);
    o.command_timeout_ms = options_.command_timeout_ms;
    node_ = std::make_unique<node>(o);
    actors::runtime_settings rs;
    rs.shards = test_shards;
    rs.run_sagas = options_.run_sagas;
    rs.wake_up_retry_ms = 100;
    rs.threads = 2;
    rs.command_timeout_ms = options_.command_timeout_ms;
    runtime_ = std::make_unique<actors::runtime>(
        *db_, rs, [this](caf::actor_system_config& c) { node_->configure(c); },
        [this](caf::actor_system& s, std::uint32_t shard) { return node_->stand_in(s, shard); });
    node_->start(*runtime_);
  }

  void stop() {
    if (node_) node_->stop();
    runtime_.reset();
    node_.reset();
    db_.reset();
  }

  actors::command_reply run(const std::string& type, const std::string& id,
                            const std::string& command, const std::string& body = "{}") {
    return runtime_->gateway().send(envelope(type, id, command, body));
  }

  static actors::command_envelope envelope(const std::string& type, const std::string& id,
                                           const std::string& command,
                                           const std::string& body = "{}") {
    actors::command_envelope e;
    e.aggregate_type = type;
    e.aggregate_id = id;
    e.command = command;
    e.body = body;
    e.issued_at_ms = 1'700'000'000'000;
    e.reply_with_state = true;
    return e;
  }

  // Events of type-id in this member's own journal.
  std::uint64_t journal_version(const std::string& type, const std::string& id) {
    auto v = db_->events().highest_version(type + "-" + id);
    return v ? *v : 0;
  }

  peer_status peer(const std::string& peer_id) const {
    for (auto& p : node_->peers())
      if (p.id == peer_id) return p;
    ADD_FAILURE() << "no peer " << peer_id;
    return {};
  }
  bool peer_is(const std::string& peer_id, peer_state state) const {
    return peer(peer_id).state == state;
  }

  const std::string& id() const { return id_; }
  actors::runtime& runtime() { return *runtime_; }
  node& member() { return *node_; }

 private:
  std::string id_;
  std::vector<config::cluster_member> members_;
  std::filesystem::path dir_;
  member_options options_;
  std::unique_ptr<persistence::database> db_;
  std::unique_ptr<node> node_;
  std::unique_ptr<actors::runtime> runtime_;
};

// An aggregate id of `type` whose shard `owner` owns among `members`.
inline std::string id_owned_by(const std::string& owner,
                               const std::vector<config::cluster_member>& members,
                               const std::string& type, const std::string& prefix = "o") {
  auto owner_of = round_robin(members);
  for (int i = 0;; ++i) {
    auto id = prefix + std::to_string(i);
    if (owner_of(actors::shard_of(type, id, test_shards)) == owner) return id;
  }
}

// A peer that answers the handshake and then holds every command and read: nothing it gets is
// ever answered. It runs its own actor system; kill() takes it down like a crashed process.
class holding_peer {
 public:
  holding_peer(const config::cluster_member& self, const config::cluster_settings& cluster,
               std::string fingerprint) {
    configure_middleman(config_, cluster, test_wire_version);
    config_.set("scheduler.max-threads", 2);
    system_ = std::make_unique<caf::actor_system>(config_);
    node_hello hello{self.id, std::move(fingerprint), test_wire_version, cluster.heartbeat_ms,
                     cluster.connection_timeout_ms};
    endpoint_ = system_->spawn(holding_endpoint, hello, received_);
    auto port = system_->middleman().publish(endpoint_, self.port, self.host.c_str(), true);
    EXPECT_TRUE(port) << system_->render(port.error());
  }
  ~holding_peer() { kill(); }

  void kill() {
    if (!system_) return;
    caf::anon_send_exit(endpoint_, caf::exit_reason::kill);
    endpoint_ = nullptr;
    system_.reset();
  }

  int received() const { return received_->load(); }

 private:
  struct holder_state {
    std::vector<caf::typed_response_promise<actors::command_reply>> held;
  };

  static endpoint_actor::behavior_type holding_endpoint(
      endpoint_actor::stateful_pointer<holder_state> self, node_hello hello,
      std::shared_ptr<std::atomic<int>> received) {
    auto hold = [self, received]() -> caf::result<actors::command_reply> {
      ++*received;
      auto rp = self->make_response_promise<actors::command_reply>();
      self->state.held.push_back(rp);
      return rp;
    };
    return {
        [hello](hello_atom, const node_hello&, const caf::strong_actor_ptr&) { return hello; },
        [hold](actors::command_envelope&) { return hold(); },
        [hold](actors::query_atom, std::string&, std::string&) { return hold(); },
        [hold](actors::snapshot_atom, std::string&, std::string&) { return hold(); },
        [](actors::inspect_atom, std::string& type, std::string& id) {
          return actors::aggregate_info{type, id};
        },
        [](actors::passivate_atom, std::string&, std::string&) { return false; },
        [](owner_read&) { return owner_read_reply{.body = "a holding peer reads nothing"}; },
    };
  }

  caf::actor_system_config config_;
  std::unique_ptr<caf::actor_system> system_;
  endpoint_actor endpoint_;
  std::shared_ptr<std::atomic<int>> received_ = std::make_shared<std::atomic<int>>(0);
};

// Two members n1 and n2 on free loopback ports, each with its own temp data directory; a test
// starts them (n1_, n2_) as it needs.
class two_members : public ::testing::Test {
 protected:
  void SetUp() override {
    members_ = {{"n1", "127.0.0.1", free_port(), ""}, {"n2", "127.0.0.1", free_port(), ""}};
    for (auto& m : members_) dirs_.push_back(fresh_temp_dir(m.id));
  }
  void TearDown() override {
    n1_.reset();
    n2_.reset();
    for (auto& d : dirs_) std::filesystem::remove_all(d);
  }

  std::vector<config::cluster_member> members_;
  std::vector<std::filesystem::path> dirs_;
  std::unique_ptr<test_member> n1_;
  std::unique_ptr<test_member> n2_;
};

}  // namespace ordo::cluster::in_process
