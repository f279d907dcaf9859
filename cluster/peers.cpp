#include "cluster/peers.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <caf/io/all.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>

#include "actors/context.hpp"

namespace ordo::cluster {
namespace {

// Node-local messages of the connector to the links.
using reached_atom = caf::atom_constant<caf::atom("reached")>;      // (index, endpoint)
using unreached_atom = caf::atom_constant<caf::atom("unreached")>;  // (index, why)
using mismatch_atom = caf::atom_constant<caf::atom("mismatch")>;    // (index, why)

}  // namespace

std::string_view to_string(peer_state state) {
  switch (state) {
    case peer_state::connecting:
      return "connecting";
    case peer_state::up:
      return "up";
    case peer_state::down:
      return "down";
    case peer_state::incompatible:
      return "incompatible";
  }
  return "unknown";
}

std::string incompatibility(const node_hello& ours, const node_hello& theirs,
                            const std::string& expected_id) {
  if (theirs.node_id != expected_id)
    return "it says it is " + (theirs.node_id.empty() ? "nobody" : theirs.node_id) + ", not " +
           expected_id;
  if (theirs.wire_version != ours.wire_version)
    return "its wire version is " + std::to_string(theirs.wire_version) + ", ours " +
           std::to_string(ours.wire_version);
  if (theirs.fingerprint != ours.fingerprint)
    return "its cluster fingerprint is " + theirs.fingerprint + ", ours " + ours.fingerprint;
  if (theirs.heartbeat_ms != ours.heartbeat_ms ||
      theirs.connection_timeout_ms != ours.connection_timeout_ms)
    return "its heartbeat/connection timeout are " + std::to_string(theirs.heartbeat_ms) + "/" +
           std::to_string(theirs.connection_timeout_ms) + " ms, ours " +
           std::to_string(ours.heartbeat_ms) + "/" + std::to_string(ours.connection_timeout_ms) +
           " ms";
  return {};
}

peer_board::peer_board(config::cluster_member m, bool connect)
    : member(std::move(m)), we_connect(connect), since_ms(actors::now_ms()) {}

void peer_board::set_state(peer_state next) {
  if (state.exchange(next, std::memory_order_acq_rel) != next)
    since_ms.store(actors::now_ms(), std::memory_order_release);
}

peer_status peer_board::snapshot() const {
  peer_status s;
  s.id = member.id;
  s.address = member.host + ":" + std::to_string(member.port);
  s.http = member.http;
  s.state = state.load(std::memory_order_acquire);
  s.since_ms = since_ms.load(std::memory_order_acquire);
  s.in_flight = in_flight.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < forwarded.size(); ++i)
    s.forwarded[i] = forwarded[i].load(std::memory_order_relaxed);
  s.connect_failures = connect_failures.load(std::memory_order_relaxed);
  return s;
}

// ---- links ----

namespace {

struct links_state {
  static inline const char* name = "ordo.cluster.links";

  struct peer {
    peer_board* board = nullptr;
    caf::actor stand_in;
    endpoint_actor endpoint;    // while up (or while its handshake runs)
    std::uint64_t attempt = 0;  // tells a stale handshake answer from the current one
  };
  std::vector<peer> peers;
  node_hello hello;
  caf::strong_actor_ptr own_endpoint;  // sent with each hello
  link_timing timing;
  std::function<void()> wake_connector;
};

using links_ptr = caf::stateful_actor<links_state>*;

// Moves the peer to `state` and tells its stand-in (with `why` for answers while not up). A
// change of state is logged: one line per change, never per request.
void change(links_ptr self, links_state::peer& p, peer_state state, std::string why) {
  if (p.board->state.load() != state)
    std::fprintf(stderr, "ordo: cluster: %s\n",
                 why.empty() ? (p.board->member.id + " is up").c_str() : why.c_str());
  p.board->set_state(state);
  self->send(p.stand_in, link_update{state, p.endpoint, std::move(why)});
}

// The peer could not be reached (or its handshake failed): it stays unreachable for now.
void unreachable(links_ptr self, std::size_t index, const std::string& why) {
  auto& p = self->state.peers[index];
  p.board->connect_failures.fetch_add(1, std::memory_order_relaxed);
  if (p.board->state.load() == peer_state::connecting) {
    change(self, p, peer_state::down, p.board->member.id + " is not reachable (" + why + ")");
  }
}

void lost(links_ptr self, std::size_t index, const std::string& why) {
  auto& p = self->state.peers[index];
  p.endpoint = nullptr;
  ++p.attempt;
  change(self, p, peer_state::down, p.board->member.id + " went down (" + why + ")");
  self->state.wake_connector();
}

// The peer's hello is in (from either side): up, or incompatible.
void judge(links_ptr self, std::size_t index, const node_hello& theirs, endpoint_actor endpoint) {
  auto& p = self->state.peers[index];
  auto why = incompatibility(self->state.hello, theirs, p.board->member.id);
  if (!why.empty()) {
    p.endpoint = nullptr;
    change(self, p, peer_state::incompatible, p.board->member.id + " is incompatible: " + why);
    return;
  }
  if (p.board->state.load() == peer_state::up && p.endpoint == endpoint) return;
  p.endpoint = std::move(endpoint);
  self->monitor(p.endpoint);
  change(self, p, peer_state::up, {});
}

// This node connected to the peer: it sends its hello (with its own endpoint) and judges theirs.
void handshake(links_ptr self, std::size_t index, endpoint_actor endpoint) {
  auto& st = self->state;
  auto& p = st.peers[index];
  if (p.board->state.load() == peer_state::up && p.endpoint == endpoint) return;  // known
  auto attempt = ++p.attempt;
  self->request(endpoint, std::chrono::milliseconds(st.timing.handshake_timeout_ms),
                hello_atom::value, st.hello, st.own_endpoint)
      .then(
          [self, index, attempt, endpoint](node_hello& theirs) {
            if (self->state.peers[index].attempt != attempt) return;
            judge(self, index, theirs, endpoint);
          },
          [self, index, attempt](caf::error& e) {
            if (self->state.peers[index].attempt != attempt) return;
            unreachable(self, index, "handshake: " + self->system().render(e));
          });
}

caf::behavior links_behavior(links_ptr self, std::vector<peer_board*> boards,
                             std::vector<caf::actor> stand_ins, node_hello hello,
                             link_timing timing, std::function<void()> wake_connector) {
  auto& st = self->state;
  for (std::size_t i = 0; i < boards.size(); ++i) st.peers.push_back({boards[i], stand_ins[i]});
  st.hello = std::move(hello);
  st.timing = timing;
  st.wake_connector = std::move(wake_connector);
  self->set_down_handler([self](caf::down_msg& down) {
    auto& peers = self->state.peers;
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if (peers[i].endpoint && peers[i].endpoint.address() == down.source)
        return lost(self, i, self->system().render(down.reason));
    }
  });
  return {
      [self](own_endpoint_atom, caf::strong_actor_ptr& endpoint) {
        self->state.own_endpoint = std::move(endpoint);
      },
      [self](reached_atom, std::uint64_t index, caf::strong_actor_ptr& endpoint) {
        if (index < self->state.peers.size())
          handshake(self, index, caf::actor_cast<endpoint_actor>(std::move(endpoint)));
      },
      [self](unreached_atom, std::uint64_t index, const std::string& why) {
        if (index < self->state.peers.size()) unreachable(self, index, why);
      },
      // CAF itself refused the connection: the peer speaks another wire version.
      [self](mismatch_atom, std::uint64_t index, const std::string& why) {
        if (index >= self->state.peers.size()) return;
        auto& p = self->state.peers[index];
        p.board->connect_failures.fetch_add(1, std::memory_order_relaxed);
        p.endpoint = nullptr;
        change(self, p, peer_state::incompatible, p.board->member.id + " is incompatible: " + why);
      },
      // A peer connected to this node and said hello: judged like the answer to our own.
      [self](greeted_atom, const node_hello& theirs, caf::strong_actor_ptr& endpoint) {
        auto& peers = self->state.peers;
        for (std::size_t i = 0; i < peers.size(); ++i) {
          if (peers[i].board->member.id != theirs.node_id) continue;
          ++peers[i].attempt;  // a handshake of ours still running is stale now
          if (endpoint) return judge(self, i, theirs, caf::actor_cast<endpoint_actor>(endpoint));
          return unreachable(self, i, "its hello carried no endpoint");
        }
      },
  };
}

}  // namespace

caf::actor spawn_links(caf::actor_system& system, std::vector<peer_board*> boards,
                       std::vector<caf::actor> stand_ins, node_hello hello, link_timing timing,
                       std::function<void()> wake_connector) {
  return system.spawn(links_behavior, std::move(boards), std::move(stand_ins), std::move(hello),
                      timing, std::move(wake_connector));
}

// ---- connector ----

bool probe_port(const std::string& host, std::uint16_t port, std::int64_t timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return false;
  bool open = false;
  for (auto* a = found; a != nullptr && !open; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      open = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, static_cast<int>(timeout_ms)) == 1) {
        int error = 0;
        socklen_t length = sizeof(error);
        open = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
      }
    }
    close(fd);
  }
  freeaddrinfo(found);
  return open;
}

connector::connector(caf::actor_system& system, caf::io::middleman_actor manager,
                     std::vector<peer_board*> boards, caf::actor links, link_timing timing)
    : system_(system),
      manager_(std::move(manager)),
      boards_(std::move(boards)),
      links_(std::move(links)),
      timing_(timing) {
  thread_ = std::thread([this] { run(); });
}

connector::~connector() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_up_.notify_one();
  thread_.join();
}

void connector::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_up_.notify_one();
}

void connector::attempt(std::size_t index) {
  auto& member = boards_[index]->member;
  auto fail = [&](std::string why) {
    caf::anon_send(links_, unreached_atom::value, static_cast<std::uint64_t>(index),
                   std::move(why));
  };
  auto limit = std::min<std::int64_t>(timing_.handshake_timeout_ms, 1000);
  if (!probe_port(member.host, member.port, limit))
    return fail("nothing accepts connections on " + member.host + ":" +
                std::to_string(member.port));
  if (!boards_[index]->we_connect) {
    // It connects to this node. One that is there but has not done so after two handshake
    // timeouts (it refuses this node's certificate, say) counts as down for the first round.
    auto waited = std::chrono::steady_clock::now() - started_;
    if (waited > std::chrono::milliseconds(2 * timing_.handshake_timeout_ms))
      fail("it listens but has not connected to this node");
    return;
  }
  // CAF's own connect, with a finite timeout: the handshake of a peer that accepts TCP but does
  // not answer (frozen, overloaded) must not keep this thread forever.
  caf::scoped_actor self{system_};
  self->request(manager_, std::chrono::milliseconds(timing_.handshake_timeout_ms),
                caf::connect_atom::value, member.host, member.port)
      .receive(
          [&](const caf::node_id&, caf::strong_actor_ptr& endpoint,
              const std::set<std::string>& interface) {
            if (!endpoint) return fail("no actor is published on its cluster port");
            if (!system_.assignable<endpoint_actor>(interface))
              return fail("what it publishes is no ordo endpoint");
            caf::anon_send(links_, reached_atom::value, static_cast<std::uint64_t>(index),
                           std::move(endpoint));
          },
          [&](caf::error& e) {
            if (e == caf::sec::incompatible_application_ids)
              caf::anon_send(links_, mismatch_atom::value, static_cast<std::uint64_t>(index),
                             std::string("CAF refused the connection: its wire version "
                                         "(middleman.app-identifiers) differs"));
            else
              fail("connect: " + system_.render(e));
          });
}

void connector::run() {
  using clock = std::chrono::steady_clock;
  std::vector<clock::time_point> next(boards_.size(), clock::now());
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    auto soonest = clock::now() + std::chrono::milliseconds(timing_.retry_ms);
    for (std::size_t i = 0; i < boards_.size() && !stopping_; ++i) {
      auto state = boards_[i]->state.load();
      if (state == peer_state::up) continue;
      // A peer that connects to this node, known to be there: its hello is awaited.
      if (!boards_[i]->we_connect && state != peer_state::connecting) continue;
      auto now = clock::now();
      if (next[i] > now) {
        soonest = std::min(soonest, next[i]);
        continue;
      }
      // An incompatible peer is asked again more slowly: it needs an operator to change.
      auto pause = std::chrono::milliseconds(
          state == peer_state::incompatible ? timing_.retry_ms * 10 : timing_.retry_ms);
      next[i] = now + pause;
      lock.unlock();
      attempt(i);
      lock.lock();
    }
    // A wake-up (a peer went down) means try now: the peers' next attempts come forward.
    if (!stopping_ && !woken_)
      wake_up_.wait_until(lock, soonest, [this] { return stopping_ || woken_; });
    if (woken_) std::fill(next.begin(), next.end(), clock::now());
  }
}

}  // namespace ordo::cluster
