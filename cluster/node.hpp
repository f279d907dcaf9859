// One process's membership in the cluster: the middleman's settings, the stand-ins for shards
// other members own (cluster/remote_shard.hpp), the endpoint published on the cluster port
// (cluster/endpoint.hpp) and the links to the peers (cluster/peers.hpp).
//
// Use, around a runtime:
//   cluster::node member(options);
//   actors::runtime runtime(db, runtime_settings,
//       [&](caf::actor_system_config& c) { member.configure(c); },
//       [&](caf::actor_system& s, std::uint32_t shard) { return member.stand_in(s, shard); });
//   member.start(runtime);   // publishes, checks the middleman, starts connecting
//   ...
//   member.stop();           // before the runtime goes: it waits for every actor
#pragma once

#include <atomic>
#include <caf/all.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/runtime.hpp"
#include "cluster/peers.hpp"
#include "cluster/remote_shard.hpp"
#include "config/settings.hpp"

namespace ordo::cluster {

struct node_options {
  config::settings settings;       // node.id and cluster.* (members, host, port, heartbeat, window)
  std::string fingerprint;         // the cluster's fingerprint (shards, member ids, wire version)
  std::uint32_t wire_version = 0;  // what this build speaks between nodes
  // Which member owns a shard: a pure function of the member list (the owner map).
  std::function<std::string(std::uint32_t shard)> owner_of;
  std::int64_t command_timeout_ms = 5000;  // how long a forwarded request waits for its answer
};

// CAF's name for ordo's wire version (middleman.app-identifiers): nodes with another one are
// refused by CAF itself.
std::string app_identifier(std::uint32_t wire_version);

// Loads the middleman into `config` with heartbeats, connection timeout and app identifier from
// `cluster`, and registers every wire type. With cluster.tls set, caf_openssl too, for mutual TLS
// (every peer's certificate checked against the CA): throws std::invalid_argument when only part
// of cluster.tls is set or a file cannot be read (CAF would run anonymous TLS, or hang).
void configure_middleman(caf::actor_system_config& config, const config::cluster_settings& cluster,
                         std::uint32_t wire_version);
// After the system started: throws std::runtime_error naming the setting when the middleman does
// not run with what configure_middleman asked for (CAF only prints a line for a wrong key), or
// TLS was asked for and CAF does not authenticate peers.
void check_middleman(caf::actor_system& system, const config::cluster_settings& cluster,
                     std::uint32_t wire_version);

class node {
 public:
  // Throws std::invalid_argument when node.id is not among cluster.nodes or owner_of is missing.
  explicit node(node_options options);
  ~node();  // stop()
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  // The runtime's hooks (see the top of this file).
  void configure(caf::actor_system_config& config) const;
  // The stand-in for `shard` if another member owns it, else an invalid handle.
  actors::shard_actor stand_in(caf::actor_system& system, std::uint32_t shard);

  // Publishes the endpoint on cluster.host:cluster.port (reusing the port of an earlier run) and
  // starts connecting to the peers. Throws std::runtime_error when it cannot publish or the
  // middleman runs with other settings.
  void start(actors::runtime& runtime);
  // Unpublishes, stops the links (answering what the stand-ins have in flight) and the
  // connector. Idempotent; must run before the runtime is destroyed.
  void stop();

  const std::string& id() const { return options_.settings.node.id; }
  std::uint16_t port() const { return port_; }  // the published port (after start)
  // Every peer, in cluster.nodes order; any thread.
  std::vector<peer_status> peers() const;
  // Whether every peer was tried once (each up, down or incompatible): the first round is over.
  bool first_round_done() const;

  // Runs what peers ask this node to read (owner_read); set before start().
  void serve_reads(owner_read_handler reads) { reads_ = std::move(reads); }
  // Asks `owner`, another member, to run `read` (blocking, from a plain thread; answered within
  // the command timeout). Status 0 when it cannot answer: the body says why.
  owner_read_reply read_at(const std::string& owner, owner_read read) const;
  // Asks each of `members` (other members) to run `read`, all at once: one answer per member, in
  // order, within the command timeout of the slowest; status 0 where one cannot answer.
  std::vector<owner_read_reply> read_at_each(const std::vector<std::string>& members,
                                             const owner_read& read) const;

 private:
  std::size_t peer_index(const std::string& member_id) const;

  node_options options_;
  std::vector<std::unique_ptr<peer_board>> boards_;  // by peer index
  std::vector<caf::actor> stand_ins_;                // by peer index, spawned on first use
  caf::actor_system* system_ = nullptr;
  endpoint_actor endpoint_;
  caf::actor links_;
  std::unique_ptr<connector> connector_;
  std::atomic<connector*> wake_target_{nullptr};
  std::uint16_t port_ = 0;
  owner_read_handler reads_;
  bool started_ = false;
};

}  // namespace ordo::cluster
