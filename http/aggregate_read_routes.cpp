// Reads of the aggregates themselves (always current): an order, its events and its history,
// and a sku's stock. The history is replayed by readmodel::replay_aggregate, the same code as the
// offline `ordo replay STREAM`.
#include "domain/aggregate_types.hpp"
#include "domain/time_format.hpp"
#include "http/gateway_replies.hpp"
#include "http/input.hpp"
#include "http/routes.hpp"
#include "readmodel/event_json.hpp"
#include "readmodel/personal_data_json.hpp"
#include "readmodel/replay.hpp"

namespace ordo::http {

namespace {

constexpr std::uint64_t default_event_limit = 1000;
constexpr std::uint64_t max_event_limit = 10000;
constexpr std::uint64_t max_version_bound = std::numeric_limits<std::int64_t>::max();

reply storage_problem(const persistence::storage_error& error) {
  return problem("unavailable", "the journal cannot answer now: " + error.message);
}

// Opens the personal fields of `doc` for the reader; 500 when one does not open (tampered).
std::expected<void, reply> open_personal(route_context& context, nlohmann::json& doc) {
  if (!context.node.personal_data) return {};
  if (auto opened = readmodel::open_personal_fields(doc, *context.node.personal_data); !opened)
    return std::unexpected(problem("internal_error", opened.error().message));
  return {};
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
  auto stream = domain::stream_name(domain::order_decider::type_name, *id);
  auto highest = journal.highest_version(stream);
  if (!highest) return storage_problem(highest.error());
  if (*highest == 0) return problem("not_found", "order " + *id + " does not exist");
  auto events = journal.read(stream, *from, *to, *limit);
  if (!events) return storage_problem(events.error());
  auto list = nlohmann::json::array();
  for (const auto& e : *events) {
    auto envelope = readmodel::event_envelope_json(e);
    if (auto opened = open_personal(context, envelope); !opened) return opened.error();
    list.push_back(std::move(envelope));
  }
  return json_reply(200, {{"events", std::move(list)}, {"highest_version", *highest}});
}

// What a failed replay means to a client: the order did not exist at the bound (or its history
// there is gone) is 404; an event that cannot be read or a failing journal is 503.
reply history_problem(const readmodel::replay_error& error, const std::string& id,
                      const std::string& bound_text) {
  switch (error.code) {
    case readmodel::replay_errc::unknown_stream:
    case readmodel::replay_errc::unsupported_stream:
    case readmodel::replay_errc::not_at_bound:
    case readmodel::replay_errc::truncated:
      return problem("not_found", "order " + id + " did not exist at " + bound_text);
    case readmodel::replay_errc::undecodable:
    case readmodel::replay_errc::storage:
      break;
  }
  return problem("unavailable", "the journal cannot answer now: " + error.message);
}

reply order_history(route_context& context, const request& req) {
  auto id = path_id(req, "id");
  if (!id) return id.error();
  auto version_text = req.query("version");
  auto at_text = req.query("at");
  if (version_text.has_value() == at_text.has_value())
    return invalid_field(version_text ? "at" : "version", "give exactly one of version or at");
  readmodel::replay_bound bound;
  if (version_text) {
    auto version = query_number(req, "version", 0, 1, max_version_bound);
    if (!version) return version.error();
    bound.version = *version;
  } else {
    bound.at = domain::parse_rfc3339(*at_text);
    if (!bound.at) return invalid_field("at", "must be an RFC 3339 date-time");
  }
  // Snapshots within the bound shorten the fold; one taken after it is never used.
  auto replayed = readmodel::replay_aggregate(
      context.node.db, domain::stream_name(domain::order_decider::type_name, *id), bound);
  if (!replayed)
    return history_problem(replayed.error(), *id,
                           version_text ? "version " + *version_text : *at_text);
  if (auto opened = open_personal(context, replayed->state); !opened) return opened.error();
  auto r = json_reply(200, replayed->state);
  r.with_header("ETag", etag(replayed->version));
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
