// The read side (GET /v1/views/...): rows of the projections, eventually consistent. A request
// that sends back a command's X-Consistency-Token first waits until every projection has applied
// that command's events (up to wait_ms), so a client reads its own writes.
#include <algorithm>
#include <expected>

#include "http/gateway_replies.hpp"
#include "http/input.hpp"
#include "http/routes.hpp"
#include "http/token_waits.hpp"
#include "readmodel/view_queries.hpp"

namespace ordo::http {

namespace {

constexpr std::uint64_t default_wait_ms = 2000;
constexpr std::uint64_t max_wait_ms = 10000;

// The position in this node's journal that the request's token asks a read to wait for: the
// highest of its parts naming this node (a cluster member's token names its node, and parts for
// other members are theirs to wait for); 0 when none does. The problem to answer when the token
// is not one this API gave out.
std::expected<std::uint64_t, reply> token_position(route_context& context, std::string_view token) {
  auto parts = parse_consistency_token(token);
  if (!parts)
    return std::unexpected(
        invalid_field("X-Consistency-Token", "is not a token this API gave out"));
  const auto& settings = context.node.settings;
  const bool clustered = context.node.cluster != nullptr;
  std::uint64_t position = 0;
  for (const auto& part : *parts) {
    if (!clustered && !part.node.empty())
      return std::unexpected(invalid_field(
          "X-Consistency-Token", "names node " + part.node + "; this node is no cluster member"));
    if (clustered && part.node.empty())
      return std::unexpected(
          invalid_field("X-Consistency-Token", "names no node: a cluster member's token does"));
    if (clustered && std::none_of(settings.cluster.nodes.begin(), settings.cluster.nodes.end(),
                                  [&](const auto& member) { return member.id == part.node; }))
      return std::unexpected(invalid_field("X-Consistency-Token",
                                           "names " + part.node + ", no member of this cluster"));
    if (!clustered || part.node == settings.node.id) position = std::max(position, part.position);
  }
  return position;
}

// Waits for the request's consistency token, if it has one; the problem to answer if it cannot.
// A token past the journal's end was never given out by this node: waiting for it could only time
// out, so it is refused at once.
std::optional<reply> await_token(route_context& context, token_waits& waits, const request& req) {
  auto wait_ms = query_number(req, "wait_ms", default_wait_ms, 0, max_wait_ms);
  if (!wait_ms) return wait_ms.error();
  auto token = req.header("X-Consistency-Token");
  if (!token) return std::nullopt;
  auto position = token_position(context, *token);
  if (!position) return position.error();
  if (*position == 0) return std::nullopt;
  auto last = context.node.db.events().last_position();
  if (*position > last)
    return invalid_field("X-Consistency-Token", "is past the journal's last position p" +
                                                    std::to_string(last) +
                                                    ": this node did not give it out");
  switch (waits.wait(*position, std::chrono::milliseconds(*wait_ms))) {
    case token_waits::outcome::reached:
      return std::nullopt;
    case token_waits::outcome::too_many_waiting:
      return problem("unavailable", std::to_string(waits.max_waiters()) +
                                        " reads already wait for their consistency token");
    case token_waits::outcome::timed_out:
      break;
  }
  return problem("unavailable", "the read model has not reached the token's events within " +
                                    std::to_string(*wait_ms) + " ms");
}

// invalid_argument from the view queries names the field ("limit: must be ..."): 400; anything
// else is the store failing: 503.
reply query_problem(const persistence::storage_error& error) {
  if (error.code != persistence::storage_errc::invalid_argument)
    return problem("unavailable", "the read model cannot answer now: " + error.message);
  auto colon = error.message.find(": ");
  if (colon == std::string::npos) return invalid_field("query", error.message);
  return invalid_field(error.message.substr(0, colon), error.message.substr(colon + 2));
}

reply list_orders(route_context& context, token_waits& waits, const request& req) {
  if (auto waited = await_token(context, waits, req)) return *waited;
  auto limit =
      query_number(req, "limit", readmodel::default_list_limit, 1, readmodel::max_list_limit);
  if (!limit) return limit.error();
  readmodel::order_list_query query;
  query.customer_id = req.query("customer_id");
  query.status = req.query("status");
  query.after = req.query("after");
  query.limit = *limit;
  auto page = readmodel::list_orders(context.node.db.kv(), query);
  if (!page) return query_problem(page.error());
  return json_reply(200, page->to_json());
}

reply order_summary(route_context& context, token_waits& waits, const request& req) {
  auto id = path_id(req, "id");
  if (!id) return id.error();
  if (auto waited = await_token(context, waits, req)) return *waited;
  auto summary = readmodel::get_order_summary_text(context.node.db.kv(), *id);
  if (!summary) return query_problem(summary.error());
  if (!*summary) return problem("not_found", "the view has no order " + *id);
  reply r;
  r.body = std::move(**summary);
  return r;
}

reply stats(route_context& context, token_waits& waits, const request& req) {
  if (auto waited = await_token(context, waits, req)) return *waited;
  auto figures = readmodel::get_stats(context.node.db.kv());
  if (!figures) return query_problem(figures.error());
  return json_reply(200, *figures);
}

}  // namespace

void add_view_routes(router& routes, route_context& context) {
  auto& gateway = context.node.gateway;
  auto waits = std::make_shared<token_waits>(
      max_token_waiters(context.node.settings.http.threads),
      [&gateway](std::uint64_t position, std::chrono::milliseconds timeout) {
        return gateway.await_position(position, timeout);
      });
  routes.add("GET", "/v1/views/orders", access::client,
             [&context, waits](const request& req) { return list_orders(context, *waits, req); });
  routes.add("GET", "/v1/views/orders/{id}", access::client,
             [&context, waits](const request& req) { return order_summary(context, *waits, req); });
  routes.add("GET", "/v1/views/stats", access::client,
             [&context, waits](const request& req) { return stats(context, *waits, req); });
}

}  // namespace ordo::http
