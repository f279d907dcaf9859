#include "cluster/node.hpp"

#include <algorithm>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <chrono>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "cluster/endpoint.hpp"

namespace ordo::cluster {
namespace {

caf::timespan millis(std::int64_t ms) {
  return std::chrono::milliseconds(ms);
}

bool tls_wanted(const config::cluster_settings& cluster) {
  auto& t = cluster.tls;
  return !t.cert.empty() || !t.key.empty() || !t.ca.empty();
}

// The middleman's connection manager: caf_openssl's when the cluster runs TLS.
caf::io::middleman_actor connection_manager(caf::actor_system& system, bool tls) {
  return tls ? system.openssl_manager().actor_handle() : system.middleman().actor_handle();
}

}  // namespace

std::string app_identifier(std::uint32_t wire_version) {
  return "ordo/" + std::to_string(wire_version);
}

void configure_middleman(caf::actor_system_config& config, const config::cluster_settings& cluster,
                         std::uint32_t wire_version) {
  config.load<caf::io::middleman>();
  config.set("middleman.heartbeat-interval", millis(cluster.heartbeat_ms));
  config.set("middleman.connection-timeout", millis(cluster.connection_timeout_ms));
  config.set("middleman.app-identifiers", std::vector<std::string>{app_identifier(wire_version)});
  add_wire_types(config);
  if (!tls_wanted(cluster)) return;
  // caf_openssl runs anonymous, unauthenticated TLS when any of the three is missing: never.
  auto& t = cluster.tls;
  if (t.cert.empty() || t.key.empty() || t.ca.empty())
    throw std::invalid_argument("cluster.tls needs cert, key and ca together");
  // A file CAF cannot read makes its TLS client hang instead of failing: check them first.
  for (auto [key, path] :
       {std::pair{"cluster.tls.cert", &t.cert}, std::pair{"cluster.tls.key", &t.key},
        std::pair{"cluster.tls.ca", &t.ca}}) {
    if (!std::ifstream(*path).good())
      throw std::invalid_argument(std::string(key) + ": cannot read " + *path);
  }
  config.load<caf::openssl::manager>();
  config.openssl_certificate = t.cert;
  config.openssl_key = t.key;
  config.openssl_cafile = t.ca;
}

void check_middleman(caf::actor_system& system, const config::cluster_settings& cluster,
                     std::uint32_t wire_version) {
  if (!system.has_middleman())
    throw std::runtime_error("the CAF middleman is not loaded (cluster.nodes lists members)");
  auto& config = system.config();
  auto mismatch = [](const char* name, const std::string& asked) {
    return std::runtime_error("CAF runs with another " + std::string(name) + " than " + asked);
  };
  if (caf::get_or(config, "middleman.heartbeat-interval", caf::timespan{0}) !=
      millis(cluster.heartbeat_ms))
    throw mismatch("middleman.heartbeat-interval", std::to_string(cluster.heartbeat_ms) + " ms");
  if (caf::get_or(config, "middleman.connection-timeout", caf::timespan{0}) !=
      millis(cluster.connection_timeout_ms))
    throw mismatch("middleman.connection-timeout",
                   std::to_string(cluster.connection_timeout_ms) + " ms");
  auto ids = caf::get_or(config, "middleman.app-identifiers", std::vector<std::string>{});
  if (ids != std::vector<std::string>{app_identifier(wire_version)})
    throw mismatch("middleman.app-identifiers", app_identifier(wire_version));
  if (tls_wanted(cluster) &&
      (!system.has_openssl_manager() || !system.openssl_manager().authentication_enabled()))
    throw std::runtime_error("cluster.tls is set but CAF does not run authenticated TLS");
}

node::node(node_options options) : options_(std::move(options)) {
  if (!options_.owner_of) throw std::invalid_argument("cluster node: no owner map");
  bool self_listed = false;
  for (auto& member : options_.settings.cluster.nodes) {
    if (member.id == id()) {
      self_listed = true;
      continue;
    }
    boards_.push_back(std::make_unique<peer_board>(member, id() < member.id));
  }
  if (!self_listed)
    throw std::invalid_argument("cluster.nodes does not list this node (" + id() + ")");
  stand_ins_.resize(boards_.size());
}

node::~node() {
  stop();
}

void node::configure(caf::actor_system_config& config) const {
  configure_middleman(config, options_.settings.cluster, options_.wire_version);
}

std::size_t node::peer_index(const std::string& member_id) const {
  for (std::size_t i = 0; i < boards_.size(); ++i)
    if (boards_[i]->member.id == member_id) return i;
  throw std::logic_error("the owner map names " + member_id + ", no member of cluster.nodes");
}

actors::shard_actor node::stand_in(caf::actor_system& system, std::uint32_t shard) {
  auto owner = options_.owner_of(shard);
  if (owner == id()) return {};
  system_ = &system;
  auto i = peer_index(owner);
  if (!stand_ins_[i])
    stand_ins_[i] = caf::actor_cast<caf::actor>(spawn_remote_shard(
        system, boards_[i].get(),
        {options_.settings.cluster.forward_window, options_.command_timeout_ms}));
  return caf::actor_cast<actors::shard_actor>(stand_ins_[i]);
}

void node::start(actors::runtime& runtime) {
  auto& system = runtime.system();
  system_ = &system;
  started_ = true;  // from here on stop() undoes what start() did, also when start() throws
  auto& cluster = options_.settings.cluster;
  check_middleman(system, cluster, options_.wire_version);
  for (std::size_t i = 0; i < boards_.size(); ++i) {
    if (!stand_ins_[i])  // a peer that owns no shard still gets its links' news
      stand_ins_[i] = caf::actor_cast<caf::actor>(spawn_remote_shard(
          system, boards_[i].get(), {cluster.forward_window, options_.command_timeout_ms}));
  }
  std::vector<actors::shard_actor> local;
  const auto& shards = runtime.shards();
  for (std::uint32_t i = 0; i < shards.size(); ++i)
    local.push_back(options_.owner_of(i) == id() ? shards[i] : actors::shard_actor{});

  node_hello hello{id(), options_.fingerprint, options_.wire_version, cluster.heartbeat_ms,
                   cluster.connection_timeout_ms};
  link_timing timing;
  timing.handshake_timeout_ms = cluster.connection_timeout_ms;
  timing.retry_ms = std::clamp<std::int64_t>(cluster.heartbeat_ms / 2, 50, 1000);
  std::vector<peer_board*> boards;
  for (auto& b : boards_) boards.push_back(b.get());
  links_ = spawn_links(system, boards, stand_ins_, hello, timing, [this] {
    if (auto* c = wake_target_.load(std::memory_order_acquire)) c->wake();
  });
  endpoint_ = spawn_endpoint(system, hello, std::move(local), links_, reads_);
  caf::anon_send(links_, own_endpoint_atom::value,
                 caf::actor_cast<caf::strong_actor_ptr>(endpoint_));
  // reuse: a restarted node gets its port back while the old connections sit in TIME_WAIT.
  auto tls = tls_wanted(cluster);
  auto published =
      tls ? caf::openssl::publish(endpoint_, cluster.port, cluster.host.c_str(), /*reuse=*/true)
          : system.middleman().publish(endpoint_, cluster.port, cluster.host.c_str(),
                                       /*reuse=*/true);
  if (!published) {
    auto why = system.render(published.error());
    stop();
    throw std::runtime_error("cannot listen on cluster port " + cluster.host + ":" +
                             std::to_string(cluster.port) + ": " + why);
  }
  port_ = *published;
  connector_ =
      std::make_unique<connector>(system, connection_manager(system, tls), boards, links_, timing);
  wake_target_.store(connector_.get(), std::memory_order_release);
}

void node::stop() {
  if (!started_) {
    // Never started (the runtime failed to start, say): nothing of the network to undo.
    stand_ins_.assign(stand_ins_.size(), caf::actor{});
    system_ = nullptr;
    return;
  }
  started_ = false;
  auto& system = *system_;
  if (links_) {
    // Gone before the connector: the links call into it.
    caf::scoped_actor self{system};
    self->monitor(links_);
    self->send_exit(links_, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {});
    links_ = nullptr;
  }
  wake_target_.store(nullptr, std::memory_order_release);
  connector_.reset();
  if (endpoint_) {
    if (port_ != 0 && tls_wanted(options_.settings.cluster))
      caf::anon_send(connection_manager(system, true), caf::close_atom::value, port_);
    else if (port_ != 0)
      system.middleman().unpublish(endpoint_, port_);
    caf::anon_send_exit(endpoint_, caf::exit_reason::user_shutdown);
    endpoint_ = nullptr;
  }
  for (std::size_t i = 0; i < stand_ins_.size(); ++i) {
    if (!stand_ins_[i]) continue;
    caf::anon_send(stand_ins_[i],
                   link_update{peer_state::down, {}, id() + " is leaving the cluster"});
    boards_[i]->set_state(peer_state::down);
  }
  stand_ins_.assign(stand_ins_.size(), caf::actor{});
  system_ = nullptr;
}

std::vector<peer_status> node::peers() const {
  std::vector<peer_status> all;
  for (auto& b : boards_) all.push_back(b->snapshot());
  return all;
}

bool node::first_round_done() const {
  return std::none_of(boards_.begin(), boards_.end(),
                      [](auto& b) { return b->state.load() == peer_state::connecting; });
}

owner_read_reply node::read_at(const std::string& owner, owner_read read) const {
  return read_at_each({owner}, read).front();
}

std::vector<owner_read_reply> node::read_at_each(const std::vector<std::string>& members,
                                                 const owner_read& read) const {
  std::vector<owner_read_reply> answers(members.size());
  if (!system_) {
    for (std::size_t m = 0; m < members.size(); ++m)
      answers[m].body = members[m] + " is not connected";
    return answers;
  }
  caf::scoped_actor self{*system_};
  // The stand-ins answer within the command timeout; the margin covers scheduling.
  auto timeout = std::chrono::milliseconds(options_.command_timeout_ms + 1000);
  using handle = decltype(self->request(remote_shard_actor{}, timeout, read));
  std::vector<std::optional<handle>> pending(members.size());
  for (std::size_t m = 0; m < members.size(); ++m) {
    auto i = peer_index(members[m]);
    if (!stand_ins_[i]) {
      answers[m].body = members[m] + " is not connected";
      continue;
    }
    pending[m].emplace(
        self->request(caf::actor_cast<remote_shard_actor>(stand_ins_[i]), timeout, read));
  }
  // All are in flight: waiting for them one after the other takes as long as the slowest.
  for (std::size_t m = 0; m < members.size(); ++m) {
    if (!pending[m]) continue;
    answers[m].body = members[m] + " did not answer";
    pending[m]->receive(
        [&](owner_read_reply& r) { answers[m] = std::move(r); },
        [&](caf::error& e) { answers[m].body = members[m] + ": " + system_->render(e); });
  }
  return answers;
}

}  // namespace ordo::cluster
