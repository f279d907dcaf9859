// ordo's settings: one plain struct per section, each key with its default and its meaning.
// The config key of each field is in its comment; config/README.md has the same table for
// operators, and config/ordo.example.json sets every key to its default.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::config {

// What a bearer token may do (docs/API.md, "Auth").
enum class role {
  client,  // orders, inventory, views, privacy
  viewer,  // console, inspect, metrics
  admin,   // everything
};

std::string_view to_string(role r);

struct auth_token {
  std::string token;  // sent as "Authorization: Bearer <token>"
  config::role role = role::client;
  bool operator==(const auth_token&) const = default;
};

struct node_settings {
  std::string id = "node-1";  // node.id: this node's name in the cluster and in inspection
  bool operator==(const node_settings&) const = default;
};

struct tls_settings {
  std::string cert;  // http.tls.cert: PEM certificate file; with key, the node serves HTTPS
  std::string key;   // http.tls.key: PEM private key file
  bool operator==(const tls_settings&) const = default;
};

struct http_settings {
  std::string host = "127.0.0.1";       // http.host: address to listen on
  std::uint16_t port = 8080;            // http.port: 0 picks a free port (printed at start)
  std::size_t max_body_bytes = 65536;   // http.max_body_bytes: larger bodies get 413
  std::size_t max_in_flight = 1024;     // http.max_in_flight: requests admitted at once; then 429
  std::size_t threads = 64;             // http.threads: request-handling threads
  std::int64_t read_timeout_ms = 5000;  // http.read_timeout_ms: a client slower than this is cut
  // http.max_connections_per_client: open connections per client address; then 429
  std::size_t max_connections_per_client = 256;
  std::int64_t idempotency_ttl_hours = 24;  // http.idempotency_ttl_hours: replay window of keys
  // http.idempotency_ttl_seconds: when > 0, the replay window in seconds instead (for tests)
  std::int64_t idempotency_ttl_seconds = 0;
  std::int64_t idempotency_ttl_ms() const {
    return idempotency_ttl_seconds > 0 ? idempotency_ttl_seconds * 1000
                                       : idempotency_ttl_hours * 3600 * 1000;
  }
  tls_settings tls;
  bool operator==(const http_settings&) const = default;
};

struct auth_settings {
  std::vector<auth_token> tokens;  // auth.tokens: [{token, role}]; empty: no auth (loopback only)
  bool operator==(const auth_settings&) const = default;
};

enum class journal_sync {
  always,  // fsync the WAL once per batch: acknowledged commands survive power loss
  none,    // no fsync: survives a process crash, not a power loss
};

std::string_view to_string(journal_sync sync);

struct journal_settings {
  journal_sync sync = journal_sync::always;  // journal.sync: "always" | "none"
  bool operator==(const journal_settings&) const = default;
};

struct aggregate_settings {
  std::uint64_t snapshot_every = 100;     // aggregates.snapshot_every: events between snapshots
  std::size_t snapshots_keep = 2;         // aggregates.snapshots_keep: snapshots kept per stream
  std::int64_t idle_timeout_ms = 120000;  // aggregates.idle_timeout_ms: passivate when idle
  std::size_t max_live = 1000000;         // aggregates.max_live: live actors per node (LRU beyond)
  bool operator==(const aggregate_settings&) const = default;
};

// One member of a static cluster (cluster.nodes): every node lists the same members.
struct cluster_member {
  std::string id;          // its node.id: letters, digits, '.', '_' or '-', at most 64
  std::string host;        // where its cluster port listens (an IPv6 address without brackets)
  std::uint16_t port = 0;  // its cluster port, 1..65535
  std::string http;        // optional: its HTTP base URL, for links ("" when unknown)
  bool operator==(const cluster_member&) const = default;
};

struct cluster_tls_settings {
  std::string cert;  // cluster.tls.cert: this node's PEM certificate (mutual TLS between nodes)
  std::string key;   // cluster.tls.key: its PEM private key
  std::string ca;    // cluster.tls.ca: the PEM CA that signed every member's certificate
  // All three or none (config::load refuses a part).
  bool configured() const { return !cert.empty() && !key.empty() && !ca.empty(); }
  bool operator==(const cluster_tls_settings&) const = default;
};

struct cluster_settings {
  std::uint32_t shards = 256;      // cluster.shards: aggregates are spread over this many shards
  std::string host = "127.0.0.1";  // cluster.host: address the cluster port listens on
  // cluster.port: this node's cluster (CAF BASP) port. 0 in a cluster: its own member's port
  // (config::load fills it in, and refuses a port that disagrees with that member's)
  std::uint16_t port = 0;
  // cluster.nodes: every member, this node included; none or one: a single node, no remoting
  std::vector<cluster_member> nodes;
  std::int64_t heartbeat_ms = 1000;           // cluster.heartbeat_ms: CAF middleman heartbeat
  std::int64_t connection_timeout_ms = 5000;  // cluster.connection_timeout_ms: >= 3 x heartbeat
  std::size_t forward_window = 1024;  // cluster.forward_window: in-flight forwards per peer; 429
  cluster_tls_settings tls;
  bool clustered() const { return nodes.size() > 1; }
  bool operator==(const cluster_settings&) const = default;
};

struct saga_settings {
  std::int64_t step_timeout_ms = 5000;  // sagas.step_timeout_ms: deadline of each saga step
  bool operator==(const saga_settings&) const = default;
};

struct privacy_settings {
  // privacy.master_key_file: the node's master key (32 random bytes, mode 0600), which wraps every
  // customer's data key; created on the first start when missing. Never inside data_dir (a key
  // kept beside what it protects protects nothing; config::load refuses it)
  std::string master_key_file = "./ordo-master.key";
  bool operator==(const privacy_settings&) const = default;
};

struct settings {
  node_settings node;
  std::string data_dir = "./ordo-data";  // data_dir: the node's RocksDB directory
  http_settings http;
  auth_settings auth;
  journal_settings journal;
  aggregate_settings aggregates;
  cluster_settings cluster;
  saga_settings sagas;
  privacy_settings privacy;
  bool operator==(const settings&) const = default;
};

}  // namespace ordo::config
