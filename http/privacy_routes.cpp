// GET and DELETE /v1/customers/{id}/personal-data: the right of access and the right to erasure.
// A customer's personal fields are sealed with that customer's key on every node that stored one
// (persistence/personal_data.hpp); erasure destroys the key on every member, so that every copy
// (events, snapshots, stored replies, exports) reads "[erased]" from then on.
//
// In a cluster each member answers for what it holds (its part), and the receiving node merges:
// the orders of the customer (each node's orders_by_customer view lists the orders it owns) and
// whether any member still holds the customer's key. An erasure a member cannot take now (down)
// is kept durably by the receiving node, which sends it again once that member is up.
#include "http/privacy_routes.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "domain/deciders.hpp"
#include "http/input.hpp"
#include "readmodel/view_queries.hpp"

namespace ordo::http {
namespace {

using nlohmann::json;
using persistence::customer_key_state;

constexpr std::size_t max_orders_exported = 10'000;
constexpr std::chrono::milliseconds view_catch_up{5000};
constexpr std::string_view pending_prefix = "privacy/pending-erasure/";

std::string_view to_string(customer_key_state state) {
  switch (state) {
    case customer_key_state::none:
      return "none";
    case customer_key_state::live:
      return "live";
    case customer_key_state::erased:
      return "erased";
  }
  return "none";
}

reply storage_problem(const persistence::storage_error& error) {
  return problem("unavailable", "personal data cannot be read or erased now: " + error.message);
}

// This node's part of `customer`'s personal data: {"key": none|live|erased, "orders": [{"order_id",
// "shipping"}]}, the orders its view lists for the customer, their shipping opened.
checked<json> local_part(route_context& context, const std::string& customer) {
  auto* keys = context.node.personal_data;
  if (!keys) return std::unexpected(problem("unavailable", "this node keeps no personal data"));
  auto key = keys->state(customer);
  if (!key) return std::unexpected(storage_problem(key.error()));
  // The listing comes from a view: let it catch up with every order written so far.
  auto written = context.node.db.events().last_position();
  if (!context.node.gateway.await_position(written, view_catch_up))
    return std::unexpected(problem("unavailable", "the views have not caught up with the journal"));
  json orders = json::array();
  readmodel::order_list_query query;
  query.customer_id = customer;
  query.limit = readmodel::max_list_limit;
  while (orders.size() < max_orders_exported) {
    auto page = readmodel::list_orders(context.node.db.kv(), query);
    if (!page) return std::unexpected(storage_problem(page.error()));
    for (const auto& summary : page->orders) {
      auto order_id = summary.value("order_id", "");
      auto answer = context.node.gateway.query("order", order_id);
      if (answer.code == actors::outcome::internal_error)
        return std::unexpected(problem("internal_error", answer.message));
      if (!answer.ok()) continue;  // gone from this node since the view listed it
      auto state = json::parse(answer.state, nullptr, false);
      auto shipping = state.is_object() ? state.value("shipping", json(nullptr)) : json(nullptr);
      orders.push_back({{"order_id", order_id}, {"shipping", shipping}});
    }
    if (!page->next) break;
    query.after = page->next;
  }
  return json{{"key", to_string(*key)}, {"orders", std::move(orders)}};
}

// The answer to a customer's GET from every member's part.
reply merge_parts(const std::string& customer, const std::vector<json>& parts) {
  json orders = json::array();
  bool live = false;
  bool erased = false;
  for (const auto& part : parts) {
    auto key = part.value("key", "none");
    live = live || key == "live";
    erased = erased || key == "erased";
    for (const auto& o : part.value("orders", json::array())) orders.push_back(o);
  }
  if (!live && erased)
    return problem("not_found", "the personal data of customer " + customer + " was erased");
  if (!live && orders.empty())
    return problem("not_found", "there is no personal data of customer " + customer);
  std::sort(orders.begin(), orders.end(), [](const json& a, const json& b) {
    return a.value("order_id", "") < b.value("order_id", "");
  });
  return json_reply(200, {{"customer_id", customer}, {"orders", std::move(orders)}});
}

// Destroys this node's key of the customer: 204, or the problem.
reply erase_here(route_context& context, const std::string& customer) {
  auto* keys = context.node.personal_data;
  if (!keys) return problem("unavailable", "this node keeps no personal data");
  if (auto done = keys->destroy(customer); !done) return storage_problem(done.error());
  reply r;
  r.status = 204;
  return r;
}

std::vector<std::string> other_members(const route_context& context) {
  std::vector<std::string> peers;
  for (const auto& m : context.node.settings.cluster.nodes)
    if (m.id != context.node.cluster->id()) peers.push_back(m.id);
  return peers;
}

cluster::owner_read part_request(std::string_view part, const std::string& customer,
                                 const request& req) {
  return {.route = std::string(part), .params = {{"id", customer}}, .request_id = req.request_id};
}

reply get_personal_data(route_context& context, const request& req) {
  auto customer = path_id(req, "id");
  if (!customer) return customer.error();
  auto here = local_part(context, *customer);
  if (!here) return here.error();
  std::vector<json> parts{std::move(*here)};
  if (const auto* member = context.node.cluster) {
    auto peers = other_members(context);
    auto answers = member->read_at_each(peers, part_request(export_part, *customer, req));
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if (answers[i].status == 0)
        return problem("unavailable", "not every node can answer (" + answers[i].body +
                                          "): the customer's data may live there too");
      auto body = json::parse(answers[i].body, nullptr, false);
      if (answers[i].status != 200 || !body.is_object()) {
        reply theirs{.status = answers[i].status,
                     .content_type = answers[i].content_type,
                     .body = answers[i].body};
        return theirs;
      }
      parts.push_back(std::move(body));
    }
  }
  return merge_parts(*customer, parts);
}

std::string pending_key(const std::string& customer, const std::string& member) {
  return std::string(pending_prefix) + customer + "/" + member;
}

// Appends the journal's record of this erasure (PersonalDataErased to customer-<id>, on the
// customer's owner); why not, when it could not be written.
std::optional<std::string> record_erasure(route_context& context, const std::string& customer,
                                          const request& req) {
  actors::command_envelope envelope;
  envelope.aggregate_type = std::string(domain::customer_decider::type_name);
  envelope.aggregate_id = customer;
  envelope.command = std::string(domain::customer::erase_personal_data::name);
  envelope.body = "{}";
  envelope.correlation_id = req.request_id;
  envelope.causation_id = req.request_id;
  envelope.issued_at_ms = now_ms();
  auto answer = context.node.gateway.send(std::move(envelope));
  if (answer.ok()) return std::nullopt;
  return std::string(actors::to_string(answer.code)) + ": " + answer.message;
}

// Erases on this node, then on every other member (keeping what one cannot take now for the
// resender), then records the erasure in the journal: 204 once all of it is done.
reply delete_personal_data(route_context& context, const request& req) {
  auto customer = path_id(req, "id");
  if (!customer) return customer.error();
  auto here = erase_here(context, *customer);
  if (here.status != 204) return here;
  std::string waiting;
  if (const auto* member = context.node.cluster) {
    auto peers = other_members(context);
    auto answers = member->read_at_each(peers, part_request(erase_part, *customer, req));
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if (answers[i].status == 204) continue;
      // Kept durably: the resender sends it again once that member is up.
      auto kept = context.node.db.kv().put(pending_key(*customer, peers[i]), "", /*sync=*/true);
      if (!kept) return storage_problem(kept.error());
      waiting += (waiting.empty() ? "" : ", ") + peers[i];
    }
  }
  auto unrecorded = record_erasure(context, *customer, req);
  if (waiting.empty() && !unrecorded) return here;
  std::string detail =
      "the key of customer " + *customer + " is destroyed on " + context.node.settings.node.id;
  if (!waiting.empty())
    detail += " but not yet on " + waiting + ", which cannot take it now (this node sends it " +
              "again when they are up)";
  if (unrecorded)
    detail += "; the erasure could not be recorded in the journal (" + *unrecorded + ")";
  return problem("unavailable", detail + ". Send the DELETE again to confirm");
}

}  // namespace

erasure_resender::erasure_resender(route_context& context, std::chrono::milliseconds every)
    : context_(context), task_(every, [this] { resend_once(); }) {}

std::size_t erasure_resender::resend_once() {
  const auto* member = context_.node.cluster;
  if (!member) return 0;
  auto pending = context_.node.db.kv().scan(pending_prefix, {}, 1000);
  if (!pending) return 0;
  std::size_t sent = 0;
  auto peers = member->peers();
  for (const auto& [key, value] : *pending) {
    auto rest = std::string_view(key).substr(pending_prefix.size());
    auto slash = rest.rfind('/');
    if (slash == std::string_view::npos) continue;
    std::string customer(rest.substr(0, slash));
    std::string target(rest.substr(slash + 1));
    auto peer =
        std::find_if(peers.begin(), peers.end(), [&](const auto& p) { return p.id == target; });
    if (peer == peers.end() || peer->state != cluster::peer_state::up) continue;
    auto answer = member->read_at(
        target, {.route = std::string(erase_part), .params = {{"id", customer}}, .request_id = {}});
    if (answer.status != 204) continue;
    if (context_.node.db.kv().erase(key, /*sync=*/true)) ++sent;
  }
  return sent;
}

void add_privacy_routes(router& routes, route_context& context) {
  routes.add("GET", "/v1/customers/{id}/personal-data", access::client,
             [&context](const request& req) { return get_personal_data(context, req); });
  routes.add("DELETE", "/v1/customers/{id}/personal-data", access::client,
             [&context](const request& req) { return delete_personal_data(context, req); });
  // What the other members ask of this one (cluster/wire.hpp owner_read).
  context.member_parts.emplace(std::string(export_part), [&context](const request& req) {
    auto customer = path_id(req, "id");
    if (!customer) return customer.error();
    auto here = local_part(context, *customer);
    if (!here) return here.error();
    return json_reply(200, *here);
  });
  context.member_parts.emplace(std::string(erase_part), [&context](const request& req) {
    auto customer = path_id(req, "id");
    if (!customer) return customer.error();
    return erase_here(context, *customer);
  });
}

}  // namespace ordo::http
