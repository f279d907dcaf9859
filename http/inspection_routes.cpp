// /v1/inspect/... (what the node is doing, for the console and operators) and /v1/admin/...
// (rebuild a projection, snapshot or passivate an aggregate).
#include <numeric>

#include "domain/aggregate_types.hpp"
#include "domain/time_format.hpp"
#include "http/gateway_replies.hpp"
#include "http/input.hpp"
#include "http/routes.hpp"
#include "readmodel/event_json.hpp"

namespace ordo::http {

namespace {

constexpr std::uint64_t default_inspect_limit = 100;
constexpr std::uint64_t max_inspect_limit = 1000;
constexpr std::uint64_t last_events_shown = 10;

bool is_aggregate_type(std::string_view type) {
  return domain::find_aggregate_type(type).has_value();
}

nlohmann::json aggregate_json(const actors::aggregate_info& a) {
  return {{"type", a.aggregate_type},
          {"id", a.aggregate_id},
          {"version", a.version},
          {"mailbox_size", a.mailbox_size},
          {"pending_commands", a.pending_commands},
          {"last_active", domain::format_rfc3339(a.last_active_ms)},
          {"last_snapshot_version", a.last_snapshot_version}};
}

// The {type} and {id} of an aggregate route, checked.
checked<std::pair<std::string, std::string>> aggregate_address(const request& req) {
  const auto& type = req.param("type");
  if (!is_aggregate_type(type))
    return std::unexpected(
        problem("not_found", "unknown aggregate type " + type + " (order, stock, payment, saga, customer)"));
  auto id = path_id(req, "id");
  if (!id) return std::unexpected(id.error());
  return std::pair{type, *id};
}

reply node(route_context& context, const request&) {
  auto& stats = context.node.stats;
  auto live = context.node.gateway.inspect_live("", max_inspect_limit);
  std::uint64_t mailbox_total = 0;
  std::uint64_t pending_total = 0;
  for (const auto& a : live) {
    mailbox_total += a.mailbox_size;
    pending_total += a.pending_commands;
  }
  auto journal = context.node.db.events().stats();
  auto uptime = std::chrono::system_clock::now() - context.started_at;
  auto started_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(context.started_at.time_since_epoch())
          .count();
  auto load = [](const std::atomic<std::uint64_t>& n) { return n.load(std::memory_order_relaxed); };
  return json_reply(
      200, {{"node_id", context.node.settings.node.id},
            {"started_at", domain::format_rfc3339(started_ms)},
            {"uptime_seconds", std::chrono::duration_cast<std::chrono::seconds>(uptime).count()},
            {"data_dir", context.node.db.path()},
            {"aggregates_live", load(stats.aggregates_live)},
            {"aggregates_passivated", load(stats.passivated)},
            {"recoveries", load(stats.recoveries)},
            {"recovery_failures", load(stats.recovery_failures)},
            {"snapshots_written", load(stats.snapshots_written)},
            // Over the live aggregates inspected (at most max_inspect_limit of them).
            {"mailboxes",
             {{"aggregates_inspected", live.size()},
              {"messages", mailbox_total},
              {"pending_commands", pending_total}}},
            {"gateway",
             {{"in_flight", context.node.gateway.in_flight()},
              {"max_in_flight", context.node.gateway.max_in_flight()}}},
            {"journal",
             {{"sync", config::to_string(context.node.settings.journal.sync)},
              {"last_position", journal.last_position},
              {"batches", journal.batches},
              {"events_appended", journal.events_appended},
              {"failed_batches", journal.failed_batches}}}});
}

reply live_aggregates(route_context& context, const request& req) {
  auto type = req.query("type").value_or("");
  if (!type.empty() && !is_aggregate_type(type))
    return invalid_field("type", "must be order, stock, payment, saga or customer");
  auto limit = query_number(req, "limit", default_inspect_limit, 1, max_inspect_limit);
  if (!limit) return limit.error();
  auto list = nlohmann::json::array();
  for (const auto& a : context.node.gateway.inspect_live(type, *limit))
    list.push_back(aggregate_json(a));
  return json_reply(200, {{"aggregates", std::move(list)}});
}

reply one_aggregate(route_context& context, const request& req) {
  auto address = aggregate_address(req);
  if (!address) return address.error();
  auto& [type, id] = *address;
  auto info = context.node.gateway.inspect(type, id);
  if (!info) return problem("not_found", type + " " + id + " does not exist");
  auto body = aggregate_json(*info);
  body["state"] = nlohmann::json::parse(info->state, nullptr, false);
  auto stream = type + "-" + id;
  auto snapshot = context.node.db.snapshots().load_latest(stream);
  if (snapshot && *snapshot) {
    body["snapshot"] = {{"version", (*snapshot)->version},
                        {"schema", (*snapshot)->schema},
                        {"taken_at", domain::format_rfc3339((*snapshot)->timestamp_ms)}};
  } else {
    body["snapshot"] = nullptr;
  }
  auto first = info->version > last_events_shown ? info->version - last_events_shown + 1 : 1;
  auto events = context.node.db.events().read(stream, first);
  auto last_events = nlohmann::json::array();
  if (events)
    for (const auto& e : *events) last_events.push_back(readmodel::event_envelope_json(e));
  body["last_events"] = std::move(last_events);
  return json_reply(200, body);
}

reply projections(route_context& context, const request&) {
  auto list = nlohmann::json::array();
  for (const auto& p : context.node.gateway.projections())
    list.push_back({{"name", p.name},
                    {"position", p.position},
                    {"lag_events", p.lag_events},
                    {"lag_ms", p.lag_ms},
                    {"apply_delay_p99_ms", p.apply_delay_p99_ms},
                    {"status", p.status},
                    {"last_error", p.last_error},
                    {"retrying", p.retrying}});
  return json_reply(200, {{"projections", std::move(list)}});
}

reply snapshot(route_context& context, const request& req) {
  auto address = aggregate_address(req);
  if (!address) return address.error();
  auto& [type, id] = *address;
  auto answer = context.node.gateway.snapshot(type, id);
  if (!answer.ok()) return problem_from(answer, -1);
  return json_reply(200, {{"type", type},
                          {"id", id},
                          {"version", answer.version},
                          {"snapshot_version", answer.version}});
}

reply passivate(route_context& context, const request& req) {
  auto address = aggregate_address(req);
  if (!address) return address.error();
  auto& [type, id] = *address;
  bool was_live = context.node.gateway.passivate(type, id);
  return json_reply(200, {{"type", type}, {"id", id}, {"passivated", was_live}});
}

reply rebuild(route_context& context, const request& req) {
  const auto& name = req.param("name");
  if (!context.node.gateway.rebuild_projection(name))
    return problem("not_found", "no projection named " + name);
  return json_reply(202, {{"projection", name}, {"status", "rebuilding"}});
}

}  // namespace

void add_inspection_routes(router& routes, route_context& context) {
  auto bind = [&context](reply (*f)(route_context&, const request&)) {
    return [&context, f](const request& req) { return f(context, req); };
  };
  routes.add("GET", "/v1/inspect/node", access::viewer, bind(node));
  routes.add("GET", "/v1/inspect/aggregates", access::viewer, bind(live_aggregates));
  routes.add("GET", "/v1/inspect/aggregates/{type}/{id}", access::viewer, bind(one_aggregate));
  routes.add("GET", "/v1/inspect/projections", access::viewer, bind(projections));
  routes.add("POST", "/v1/admin/projections/{name}/rebuild", access::admin, bind(rebuild));
  routes.add("POST", "/v1/admin/aggregates/{type}/{id}/snapshot", access::admin, bind(snapshot));
  routes.add("POST", "/v1/admin/aggregates/{type}/{id}/passivate", access::admin, bind(passivate));
}

}  // namespace ordo::http
