// The links to the other members: who is up, and keeping it so.
//
// One `links` actor per node owns each peer's state (connecting | up | down | incompatible): it
// handshakes with a peer's endpoint, monitors it, and tells the peer's stand-in
// (cluster/remote_shard.hpp) every change, with the endpoint to use.
//
// Of each pair of members only the one with the smaller id connects; its hello carries its own
// endpoint, which the other side's endpoint passes to its links (greeted_atom). So each pair has
// one connection: two, one opened from each side, made CAF drop routes again and again under TLS.
//
// One `connector` thread makes the connections, one peer at a time: it probes the peer's port
// without blocking first (CAF's connect blocks a middleman thread, and a partitioned peer would
// stall every other connect), then asks CAF's middleman with a finite timeout, and hands the
// endpoint to the links. A failed or cut attempt is retried; so is a peer that went down, and
// (more slowly) one found incompatible. A peer that connects to this node is only probed: if
// nothing listens there it is known down, otherwise its hello is awaited.
//
// What the HTTP layer shows (`/v1/inspect/cluster`, metrics) is read from `peer_board`s: atomics
// written by the actors, read by any thread through `snapshot()`.
#pragma once

#include <array>
#include <atomic>
#include <caf/all.hpp>
#include <caf/io/middleman_actor.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "actors/outcome.hpp"
#include "cluster/wire.hpp"
#include "config/settings.hpp"

namespace ordo::cluster {

enum class peer_state : std::uint8_t {
  connecting,    // not reached yet since this node started
  up,            // handshake done, endpoint monitored: commands are forwarded
  down,          // lost or not reachable: nothing is sent, attempts go on
  incompatible,  // reachable, but its handshake differs (node_hello): nothing crosses
};

std::string_view to_string(peer_state state);

// One peer as inspection sees it.
struct peer_status {
  std::string id;
  std::string address;  // host:port of its cluster port
  std::string http;     // its HTTP base URL, "" when not configured
  peer_state state = peer_state::connecting;
  std::int64_t since_ms = 0;  // when `state` last changed (ms since the Unix epoch)
  std::uint64_t in_flight = 0;
  // Requests this node's stand-in answered, by the outcome it answered (index: actors::outcome),
  // refusals included (unavailable while down, overloaded while the window is full).
  std::array<std::uint64_t, actors::outcome_count> forwarded{};
  std::uint64_t connect_failures = 0;
};

// A peer's shared counters: written by the links and the stand-in, read by snapshot().
struct peer_board {
  peer_board(config::cluster_member m, bool we_connect);
  peer_status snapshot() const;
  void set_state(peer_state next);

  const config::cluster_member member;
  const bool we_connect;  // this node opens the connection (its id is the smaller one)
  std::atomic<peer_state> state{peer_state::connecting};
  std::atomic<std::int64_t> since_ms;
  std::atomic<std::uint64_t> in_flight{0};
  std::array<std::atomic<std::uint64_t>, actors::outcome_count> forwarded{};
  std::atomic<std::uint64_t> connect_failures{0};
};

// What the links tell a stand-in: the peer's state, and its endpoint while up.
struct link_update {
  peer_state state = peer_state::connecting;
  endpoint_actor endpoint;  // valid only while up
  std::string why;          // for answers while not up: what is wrong with the peer
};

struct link_timing {
  std::int64_t handshake_timeout_ms = 5000;
  std::int64_t retry_ms = 500;  // between attempts to reach a peer that is not up
};

// Node-local: (greeted_atom, node_hello, endpoint) from this node's endpoint to its links, for a
// peer's hello; (own_endpoint_atom, endpoint) from the node to its links, before anything else.
using greeted_atom = caf::atom_constant<caf::atom("greeted")>;
using own_endpoint_atom = caf::atom_constant<caf::atom("ownendpt")>;

// Spawns the links of one node: `boards` and `stand_ins` by peer index (same order), `hello`
// this node's handshake; `wake_connector` asks the connector to try again now.
caf::actor spawn_links(caf::actor_system& system, std::vector<peer_board*> boards,
                       std::vector<caf::actor> stand_ins, node_hello hello, link_timing timing,
                       std::function<void()> wake_connector);

// The thread that connects to peers that are not up (see the top of this file).
class connector {
 public:
  // `manager` makes the connections: the middleman's actor, or caf_openssl's for TLS.
  connector(caf::actor_system& system, caf::io::middleman_actor manager,
            std::vector<peer_board*> boards, caf::actor links, link_timing timing);
  ~connector();  // stops and joins; at most one connect attempt's timeout
  connector(const connector&) = delete;
  connector& operator=(const connector&) = delete;

  void wake();

 private:
  void run();
  // One attempt on peer `index`: the probe, CAF's connect, the endpoint to the links.
  void attempt(std::size_t index);

  caf::actor_system& system_;
  caf::io::middleman_actor manager_;
  std::vector<peer_board*> boards_;
  caf::actor links_;
  link_timing timing_;
  std::mutex mutex_;
  std::condition_variable wake_up_;
  bool woken_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::thread thread_;
};

// Whether something accepts TCP connections on host:port within `timeout_ms` (a non-blocking
// connect and a poll: never longer than the timeout, whatever the network does).
bool probe_port(const std::string& host, std::uint16_t port, std::int64_t timeout_ms);

}  // namespace ordo::cluster

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::cluster::link_update)
