// GET /v1/inspect/aggregates/{type}/{id}/events and .../snapshots: any aggregate's journal, a
// page at a time, and the snapshots kept of it; the console's detail pane reads them. Both read
// this node's journal and snapshot store (the aggregate's owner holds them).
#include "domain/aggregate_types.hpp"
#include "domain/time_format.hpp"
#include "http/input.hpp"
#include "http/routes.hpp"
#include "readmodel/event_json.hpp"

namespace ordo::http {

namespace {

constexpr std::uint64_t default_page = 50;
constexpr std::uint64_t max_page = 1000;
constexpr std::uint64_t max_version_bound = std::numeric_limits<std::int64_t>::max();
// Snapshots are pruned to a few per stream; more than this is never shown.
constexpr std::size_t max_snapshots_listed = 20;

reply storage_problem(const persistence::storage_error& error) {
  return problem("unavailable", "the journal cannot answer now: " + error.message);
}

// The stream of the route's {type}/{id}, checked.
checked<std::string> stream_of(const request& req) {
  const auto& type = req.param("type");
  if (!domain::find_aggregate_type(type))
    return std::unexpected(
        problem("not_found", "unknown aggregate type " + type + " (order, stock, payment, saga, customer)"));
  auto id = path_id(req, "id");
  if (!id) return std::unexpected(id.error());
  return domain::stream_name(type, *id);
}

reply events_page(route_context& context, const request& req) {
  auto stream = stream_of(req);
  if (!stream) return stream.error();
  auto from = query_number(req, "from", 1, 1, max_version_bound);
  if (!from) return from.error();
  auto limit = query_number(req, "limit", default_page, 1, max_page);
  if (!limit) return limit.error();
  auto& journal = context.node.db.events();
  auto highest = journal.highest_version(*stream);
  if (!highest) return storage_problem(highest.error());
  if (*highest == 0)
    return problem("not_found", req.param("type") + " " + req.param("id") + " does not exist");
  auto events = journal.read(*stream, *from, persistence::unbounded, *limit);
  if (!events) return storage_problem(events.error());
  auto list = nlohmann::json::array();
  for (const auto& e : *events) list.push_back(readmodel::event_envelope_json(e));
  // The next page starts after the last event shown; none once the highest version is shown.
  nlohmann::json next = nullptr;
  if (!events->empty() && events->back().version < *highest) next = events->back().version + 1;
  return json_reply(200,
                    {{"events", std::move(list)}, {"highest_version", *highest}, {"next", next}});
}

reply snapshots(route_context& context, const request& req) {
  auto stream = stream_of(req);
  if (!stream) return stream.error();
  auto& journal = context.node.db.events();
  auto highest = journal.highest_version(*stream);
  if (!highest) return storage_problem(highest.error());
  if (*highest == 0)
    return problem("not_found", req.param("type") + " " + req.param("id") + " does not exist");
  // Newest first: each step asks for the newest below the one found.
  auto list = nlohmann::json::array();
  persistence::snapshot_criteria below;
  while (list.size() < max_snapshots_listed) {
    auto found = context.node.db.snapshots().load_latest(*stream, below);
    if (!found) return storage_problem(found.error());
    if (!*found) break;
    const auto& s = **found;
    list.push_back({{"version", s.version},
                    {"schema", s.schema},
                    {"taken_at", domain::format_rfc3339(s.timestamp_ms)},
                    {"bytes", s.bytes.size()}});
    if (s.version == 0) break;
    below.max_version = s.version - 1;
  }
  return json_reply(200, {{"snapshots", std::move(list)}, {"highest_version", *highest}});
}

}  // namespace

void add_inspect_history_routes(router& routes, route_context& context) {
  routes.add("GET", "/v1/inspect/aggregates/{type}/{id}/events", access::viewer,
             [&context](const request& req) { return events_page(context, req); });
  routes.add("GET", "/v1/inspect/aggregates/{type}/{id}/snapshots", access::viewer,
             [&context](const request& req) { return snapshots(context, req); });
}

}  // namespace ordo::http
