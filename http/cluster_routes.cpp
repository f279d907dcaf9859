// /v1/inspect/cluster (the members, their states and who owns which shard) and
// /v1/inspect/cluster/owner (which shard and member own one aggregate), and the X-Ordo-Node
// header of every reply about an aggregate.
#include "actors/shard.hpp"
#include "cluster/owner_map.hpp"
#include "domain/aggregate_types.hpp"
#include "domain/time_format.hpp"
#include "domain/validation.hpp"
#include "http/input.hpp"
#include "http/routes.hpp"

namespace ordo::http {

namespace {

std::uint32_t shard_of(const route_context& context, std::string_view type, std::string_view id) {
  return actors::shard_of(type, id, context.owners->shards());
}

// {"node", "shards", "nodes": [every peer], "owners": {member: [shards]}}; a single node lists
// no peers and owns every shard.
reply cluster_view(route_context& context, const request&) {
  const auto& settings = context.node.settings;
  auto nodes = nlohmann::json::array();
  if (const auto* member = context.node.cluster) {
    for (const auto& peer : member->peers()) {
      nodes.push_back({{"id", peer.id},
                       {"address", peer.address},
                       {"http", peer.http},
                       {"state", cluster::to_string(peer.state)},
                       {"since", domain::format_rfc3339(peer.since_ms)},
                       {"in_flight", peer.in_flight}});
    }
  }
  auto owners = nlohmann::json::object();
  for (const auto& id : context.owners->members()) owners[id] = context.owners->shards_of(id);
  return json_reply(200, {{"node", settings.node.id},
                          {"shards", context.owners->shards()},
                          {"nodes", std::move(nodes)},
                          {"owners", std::move(owners)}});
}

reply owner(route_context& context, const request& req) {
  auto type = req.query("type").value_or("");
  if (!domain::find_aggregate_type(type))
    return invalid_field("type", "must be order, stock, payment, saga or customer");
  auto id = query_id(req, "id");
  if (!id) return id.error();
  auto shard = shard_of(context, type, *id);
  return json_reply(200, {{"shard", shard}, {"owner", context.owners->owner_of(shard)}});
}

}  // namespace

std::optional<aggregate_ref> aggregate_of_reply(std::string_view pattern, const request& req,
                                                const reply& r) {
  auto param = [&req](std::string_view name) -> std::string {
    auto it = req.params.find(name);
    return it == req.params.end() ? std::string() : it->second;
  };
  if (pattern.starts_with("/v1/orders/{id}") || pattern.starts_with("/v1/views/orders/{id}"))
    return aggregate_ref{"order", param("id")};
  if (pattern.starts_with("/v1/inventory/{sku}")) return aggregate_ref{"stock", param("sku")};
  if (pattern.starts_with("/v1/inspect/aggregates/{type}/{id}") ||
      pattern.starts_with("/v1/admin/aggregates/{type}/{id}"))
    return aggregate_ref{param("type"), param("id")};
  if (pattern == "/v1/orders" && r.status == 201) {
    constexpr std::string_view prefix = "/v1/orders/";
    if (const auto* location = r.header("Location"); location && location->starts_with(prefix))
      return aggregate_ref{"order", location->substr(prefix.size())};
  }
  return std::nullopt;
}

std::optional<std::string> owner_of_aggregate(const route_context& context,
                                              const aggregate_ref& aggregate) {
  if (!domain::find_aggregate_type(aggregate.type) || !domain::is_valid_id(aggregate.id))
    return std::nullopt;
  return context.owners->owner_of(shard_of(context, aggregate.type, aggregate.id));
}

void add_cluster_routes(router& routes, route_context& context) {
  routes.add("GET", "/v1/inspect/cluster", access::viewer,
             [&context](const request& req) { return cluster_view(context, req); });
  routes.add("GET", "/v1/inspect/cluster/owner", access::viewer,
             [&context](const request& req) { return owner(context, req); });
}

}  // namespace ordo::http
