// Reads of the aggregates themselves (always current): an order, its events and its history,
// and a sku's stock.
#include "domain/time_format.hpp"
#include "http/event_json.hpp"
#include "http/gateway_replies.hpp"
#include "http/input.hpp"
#include "http/order_history.hpp"
#include "http/routes.hpp"

namespace ordo::http {

namespace {

constexpr std::uint64_t default_event_limit = 1000;
constexpr std::uint64_t max_event_limit = 10000;
constexpr std::uint64_t max_version_bound = std::numeric_limits<std::int64_t>::max();

reply storage_problem(const persistence::storage_error& error) {
  return problem("unavailable", "the journal cannot answer now: " + error.message);
}

handler aggregate_state(route_context& context, std::string_view type, std::string_view id_param) {
  return [&context, type, id_param](const request& req) {
    auto id = path_id(req, id_param);
    if (!id) return id.error();
    auto answer = context.node.gateway.query(std::string(type), *id);
    if (!answer.ok()) return problem_from(answer, -1);
    reply r;
    r.body = std::move(answer.state);
    r.with_header("ETag", etag(answer.version));
    return r;
  };
}

reply order_events(route_context& context, const request& req) {
  auto id = path_id(req, "id");
  if (!id) return id.error();
  auto from = query_number(req, "from", 1, 0, max_version_bound);
  if (!from) return from.error();
  auto to = query_number(req, "to", persistence::unbounded, 0, persistence::unbounded);
  if (!to) return to.error();
  auto limit = query_number(req, "limit", default_event_limit, 0, max_event_limit);
  if (!limit) return limit.error();

  auto& journal = context.node.db.events();
  auto stream = "order-" + *id;
  auto highest = journal.highest_version(stream);
  if (!highest) return storage_problem(highest.error());
  if (*highest == 0) return problem("not_found", "order " + *id + " does not exist");
  auto events = journal.read(stream, *from, *to, *limit);
  if (!events) return storage_problem(events.error());
  auto list = nlohmann::json::array();
  for (const auto& e : *events) list.push_back(event_envelope_json(e));
  return json_reply(200, {{"events", std::move(list)}, {"highest_version", *highest}});
}

reply order_history(route_context& context, const request& req) {
  auto id = path_id(req, "id");
  if (!id) return id.error();
  auto version_text = req.query("version");
  auto at_text = req.query("at");
  if (version_text.has_value() == at_text.has_value())
    return invalid_field(version_text ? "at" : "version", "give exactly one of version or at");
  history_bound bound;
  if (version_text) {
    auto version = query_number(req, "version", 0, 1, max_version_bound);
    if (!version) return version.error();
    bound.version = *version;
  } else {
    bound.at = domain::parse_rfc3339(*at_text);
    if (!bound.at) return invalid_field("at", "must be an RFC 3339 date-time");
  }
  auto state = order_as_of(context.node.db.events(), *id, bound);
  if (!state) return storage_problem(state.error());
  if (!*state)
    return problem("not_found", "order " + *id + " did not exist at " +
                                    (version_text ? "version " + *version_text : *at_text));
  auto r = json_reply(200, **state);
  r.with_header("ETag", etag((**state)["version"].get<std::uint64_t>()));
  return r;
}

}  // namespace

void add_aggregate_read_routes(router& routes, route_context& context) {
  routes.add("GET", "/v1/orders/{id}", access::client, aggregate_state(context, "order", "id"));
  routes.add("GET", "/v1/orders/{id}/events", access::client,
             [&context](const request& req) { return order_events(context, req); });
  routes.add("GET", "/v1/orders/{id}/history", access::client,
             [&context](const request& req) { return order_history(context, req); });
  routes.add("GET", "/v1/inventory/{sku}", access::client,
             aggregate_state(context, "stock", "sku"));
}

}  // namespace ordo::http
