// What the route handlers share, and the functions that put each group of docs/API.md's routes
// into the router.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/gateway.hpp"
#include "actors/runtime_stats.hpp"
#include "cluster/node.hpp"
#include "cluster/owner_map.hpp"
#include "config/settings.hpp"
#include "http/request_metrics.hpp"
#include "http/router.hpp"
#include "persistence/database.hpp"
#include "persistence/personal_data.hpp"

namespace ordo::http {

// The node the API fronts. Everything here outlives the API.
struct node_services {
  actors::gateway& gateway;
  persistence::database& db;
  const actors::runtime_stats& stats;
  const config::settings& settings;
  // This node's membership in a cluster; null for a single node.
  const cluster::node* cluster = nullptr;
  // Seals and opens personal data (persistence/personal_data.hpp); null: none is kept (tests).
  persistence::personal_data_keys* personal_data = nullptr;
};

struct route_context {
  node_services node;
  std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
  std::atomic<bool> ready{false};      // /readyz
  request_metrics* metrics = nullptr;  // set once every route is known
  // The idempotency sweeper's count of expired keys; null when none runs.
  const std::atomic<std::uint64_t>* idempotency_keys_expired = nullptr;
  // Which member owns each shard (this node alone when it is no cluster member).
  std::unique_ptr<const cluster::owner_map> owners;
  // What other members may ask this node to run besides routes (cluster/wire.hpp owner_read),
  // by name: their parts of a request the whole cluster answers (privacy_routes.hpp).
  std::map<std::string, handler, std::less<>> member_parts;
};

struct aggregate_ref {
  std::string type;
  std::string id;
};

// The aggregate a reply of route `pattern` is about ({id}, {sku}, {type}; a 201's Location), if
// any: its owner goes into the reply's X-Ordo-Node header.
std::optional<aggregate_ref> aggregate_of_reply(std::string_view pattern, const request& req,
                                                const reply& r);
// The member that owns `aggregate`; nullopt for an unknown type or an invalid id.
std::optional<std::string> owner_of_aggregate(const route_context& context,
                                              const aggregate_ref& aggregate);

// POST/DELETE on orders and inventory: the commands.
void add_command_routes(router& routes, route_context& context);
// GET /v1/orders/{id}, its events and history; GET /v1/inventory/{sku}.
void add_aggregate_read_routes(router& routes, route_context& context);
// GET /v1/views/...: the projections, with consistency tokens.
void add_view_routes(router& routes, route_context& context);
// /healthz, /readyz, /metrics.
void add_operation_routes(router& routes, route_context& context);
// /v1/inspect/... and /v1/admin/...
void add_inspection_routes(router& routes, route_context& context);
void add_saga_routes(router& routes, route_context& context);
// /v1/inspect/cluster and /v1/inspect/cluster/owner.
void add_cluster_routes(router& routes, route_context& context);
// /console, /console/{file} (the console's static files), /openapi.json, /v1/inspect/session.
void add_console_routes(router& routes, route_context& context);
// /v1/inspect/aggregates/{type}/{id}/events and .../snapshots.
void add_inspect_history_routes(router& routes, route_context& context);

std::int64_t now_ms();

}  // namespace ordo::http
