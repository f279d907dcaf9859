#include "app/serve.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "actors/runtime.hpp"
#include "cluster/identity.hpp"
#include "cluster/node.hpp"
#include "cluster/owner_map.hpp"
#include "cluster/wire_version.hpp"
#include "config/command_line.hpp"
#include "config/exposure.hpp"
#include "config/load.hpp"
#include "http/api.hpp"
#include "http/server.hpp"
#include "persistence/database.hpp"
#include "persistence/personal_data.hpp"

namespace ordo::app {

namespace {

int fail(int code, const std::string& line) {
  std::fprintf(stderr, "ordo: %s\n", line.c_str());
  return code;
}

actors::runtime_settings runtime_settings_from(const config::settings& s) {
  actors::runtime_settings r;
  r.snapshot_every = s.aggregates.snapshot_every;
  r.snapshots_keep = s.aggregates.snapshots_keep;
  r.idle_timeout_ms = s.aggregates.idle_timeout_ms;
  r.max_live = s.aggregates.max_live;
  r.shards = s.cluster.shards;
  r.saga_step_timeout_ms = s.sagas.step_timeout_ms;
  r.client_command_ttl_ms = s.http.idempotency_ttl_ms();
  return r;
}

http::server_options server_options_from(const config::settings& s) {
  return {.host = s.http.host,
          .port = s.http.port,
          .max_body_bytes = s.http.max_body_bytes,
          .max_in_flight = s.http.max_in_flight,
          .threads = s.http.threads,
          .read_timeout_ms = s.http.read_timeout_ms,
          .max_connections_per_client = s.http.max_connections_per_client,
          .tls_cert = s.http.tls.cert,
          .tls_key = s.http.tls.key};
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos && !host.starts_with('[') ? "[" + host + "]" : host;
}

// This node's membership in its cluster; null for a single node.
std::unique_ptr<cluster::node> cluster_member(const config::settings& settings,
                                              const actors::runtime_settings& runtime) {
  if (!settings.cluster.clustered()) return nullptr;
  return std::make_unique<cluster::node>(
      cluster::node_options{.settings = settings,
                            .fingerprint = cluster::fingerprint(settings.cluster),
                            .wire_version = cluster::wire_version,
                            .owner_of = [owners = cluster::make_owner_map(settings)](
                                            std::uint32_t shard) { return owners.owner_of(shard); },
                            .command_timeout_ms = runtime.command_timeout_ms});
}

// Stops the cluster member before the runtime goes (the runtime waits for every actor).
struct leave_cluster {
  cluster::node* member;
  ~leave_cluster() {
    if (member) member->stop();
  }
};

// Runs the node on an open database until a signal arrives.
int run_node(persistence::database& db, persistence::personal_data_keys& personal_data,
             const config::settings& settings, const sigset_t& signals) {
  auto runtime = runtime_settings_from(settings);
  runtime.personal_data = &personal_data;
  auto member = cluster_member(settings, runtime);
  actors::runtime::shard_stand_in stand_in;
  std::function<void(caf::actor_system_config&)> configure;
  if (member) {
    configure = [&member](caf::actor_system_config& c) { member->configure(c); };
    stand_in = [&member](caf::actor_system& s, std::uint32_t shard) {
      return member->stand_in(s, shard);
    };
  }
  actors::runtime node(db, runtime, configure, stand_in);
  http::api api({node.gateway(), db, node.context().stats, settings, member.get(), &personal_data});
  leave_cluster leave{member.get()};  // before the API goes: the endpoint runs reads through it
  if (member) {
    member->serve_reads(
        [&api](const cluster::owner_read& read) { return api.answer_owner_read(read); });
    try {
      member->start(node);
    } catch (const std::exception& e) {
      return fail(1, std::string("cannot join the cluster: ") + e.what());
    }
  }
  http::server server(
      server_options_from(settings),
      [&api](const httplib::Request& req, httplib::Response& res) { api.handle(req, res); },
      [&api](const httplib::Request& req, int status) { api.count_transport_answer(req, status); });
  auto port = server.bind();
  if (!port) return fail(1, port.error());

  // The only thread that takes SIGTERM and SIGINT (every thread blocks them): it stops the
  // server, which lets serve() below return once the requests in flight are answered.
  std::atomic<bool> stop_requested{false};
  std::thread signal_waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    stop_requested = true;
    api.set_ready(false);
    server.stop();
  });
  api.set_ready(true);
  std::printf("ordo: serving %s://%s:%u (data %s)\n", server.tls() ? "https" : "http",
              url_host(settings.http.host).c_str(), static_cast<unsigned>(*port),
              settings.data_dir.c_str());
  std::fflush(stdout);
  server.serve();
  if (!stop_requested) {
    // serve() returned on its own: listening failed. Wake the waiter so that it can be joined.
    pthread_kill(signal_waiter.native_handle(), SIGTERM);
    signal_waiter.join();
    return fail(1, "stopped serving: the listening socket failed");
  }
  signal_waiter.join();
  return 0;
}

}  // namespace

int serve(std::span<const std::string_view> args) {
  auto options = config::parse_serve_arguments(args);
  if (!options) return fail(2, "serve: " + options.error() + " (see 'ordo serve --help')");
  if (options->help) {
    std::fputs(config::serve_usage.data(), stdout);
    return 0;
  }
  options->settings_sources.environment = config::process_environment();
  auto settings = config::load(options->settings_sources);
  if (!settings) return fail(2, settings.error());
  if (auto why = config::refuse_to_serve(*settings, options->insecure)) return fail(2, *why);
  // Before the database opens: a directory that belongs to another node or cluster stays as it is.
  if (auto identity = cluster::check_identity(settings->data_dir, *settings); !identity)
    return fail(2, identity.error());
  // The master key that wraps the customers' data keys (created with mode 0600 on first start).
  auto master = persistence::master_key::load(settings->privacy.master_key_file,
                                              /*create_if_missing=*/true);
  if (!master) return fail(2, master.error().message);

  // Block the stop signals before any thread starts, so that every thread inherits the mask and
  // only the signal-waiting thread receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto sync = settings->journal.sync == config::journal_sync::always
                  ? persistence::sync_mode::always
                  : persistence::sync_mode::none;
  auto db = persistence::database::open({.path = settings->data_dir, .sync = sync});
  if (!db) {
    if (db.error().code == persistence::storage_errc::busy)
      return fail(1, "data directory " + settings->data_dir + " is in use by another process");
    return fail(1, "cannot open data directory " + settings->data_dir + ": " + db.error().message);
  }
  persistence::personal_data_keys personal_data((*db)->kv(), std::move(*master));
  if (auto right_key = personal_data.check_master(); !right_key)
    return fail(2, right_key.error().message);
  try {
    return run_node(**db, personal_data, *settings, signals);
  } catch (const std::exception& e) {  // e.g. a cluster.tls file that cannot be read
    return fail(1, e.what());
  }
}

}  // namespace ordo::app
