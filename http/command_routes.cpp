// The command routes: each turns a request into one command for one aggregate, sends it through
// the gateway and answers the aggregate's state with its ETag and a consistency token.
#include <random>

#include "domain/json_text.hpp"
#include "domain/validation.hpp"
#include "http/gateway_replies.hpp"
#include "http/idempotency.hpp"
#include "http/input.hpp"
#include "http/routes.hpp"

namespace ordo::http {

namespace {

struct command_call {
  std::string_view aggregate_type;  // "order", "stock"
  std::string aggregate_id;
  std::string_view command;  // "add_item"
  std::string body;          // the command's JSON fields
  int success_status = 200;
};

std::string random_order_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "o-";
  for (int i = 0; i < 20; ++i) id += hex[random() % 16];
  return id;
}

// An order created without an order_id under an Idempotency-Key gets an id derived from the key,
// so that a retry after a lost answer addresses the same order.
std::string new_order_id(const request& req) {
  if (auto key = req.header("Idempotency-Key")) return "o-" + sha256_hex(*key).substr(0, 20);
  return random_order_id();
}

reply send_command(route_context& context, const request& req, command_call call) {
  auto expected = if_match_version(req);
  if (!expected) return expected.error();
  actors::command_envelope envelope;
  envelope.aggregate_type = std::string(call.aggregate_type);
  envelope.aggregate_id = call.aggregate_id;
  envelope.command = std::string(call.command);
  envelope.body = std::move(call.body);
  if (auto key = req.header("Idempotency-Key")) envelope.command_id = command_id_for_key(*key);
  envelope.correlation_id = req.request_id;
  envelope.causation_id = req.request_id;
  envelope.expected_version = *expected;
  envelope.issued_at_ms = now_ms();
  envelope.reply_with_state = true;  // the answer's body

  auto started = std::chrono::steady_clock::now();
  auto answer = context.node.gateway.send(std::move(envelope));
  context.metrics->count_command(std::string(call.aggregate_type) + "." + std::string(call.command),
                                 answer.code, std::chrono::steady_clock::now() - started);
  if (!answer.ok()) return problem_from(answer, *expected);
  if (answer.state.empty()) {
    // A repeated key is answered with its first reply, state included; only an outcome
    // recovered without its reply (from the events of an older version) lacks it: read it.
    auto current = context.node.gateway.query(std::string(call.aggregate_type), call.aggregate_id);
    if (!current.ok()) return problem_from(current, *expected);
    answer.state = std::move(current.state);
  }
  reply r;
  r.status = call.success_status;
  r.body = std::move(answer.state);
  r.with_header("ETag", etag(answer.version));
  // A cluster's token names the owner: the position is in its journal.
  auto owner =
      context.node.cluster
          ? owner_of_aggregate(context, {std::string(call.aggregate_type), call.aggregate_id})
          : std::nullopt;
  r.with_header("X-Consistency-Token", consistency_token(answer.position, owner.value_or("")));
  if (call.success_status == 201) r.with_header("Location", "/v1/orders/" + call.aggregate_id);
  return r;
}

// A route whose path names the aggregate by `id_param` and whose body holds the command.
handler command_route(route_context& context, std::string_view type, std::string_view id_param,
                      std::string_view command, bool body_required, int success_status = 200) {
  return [&context, type, id_param, command, body_required, success_status](const request& req) {
    auto id = path_id(req, id_param);
    if (!id) return id.error();
    // A plain body goes to the aggregate as it came (nlohmann would read it as the same object);
    // any other is parsed here, so that bad JSON is refused before it reaches an aggregate.
    if (domain::is_plain_json_object(req.body()))
      return send_command(context, req, {type, *id, command, req.body(), success_status});
    auto body = json_object_body(req, body_required);
    if (!body) return body.error();
    return send_command(context, req, {type, *id, command, body->dump(), success_status});
  };
}

reply create_order(route_context& context, const request& req) {
  auto body = json_object_body(req, true);
  if (!body) return body.error();
  std::string order_id;
  if (auto given = body->find("order_id"); given != body->end()) {
    if (!given->is_string() || !domain::is_valid_id(given->get_ref<const std::string&>()))
      return invalid_field("order_id", "must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    order_id = given->get<std::string>();
  } else {
    order_id = new_order_id(req);
  }
  return send_command(context, req, {"order", order_id, "create", body->dump(), 201});
}

reply remove_item(route_context& context, const request& req) {
  auto id = path_id(req, "id");
  if (!id) return id.error();
  auto sku = path_id(req, "sku");
  if (!sku) return sku.error();
  nlohmann::json body{{"sku", *sku}};
  return send_command(context, req, {"order", *id, "remove_item", body.dump(), 200});
}

}  // namespace

void add_command_routes(router& routes, route_context& context) {
  routes.add("POST", "/v1/orders", access::client,
             [&context](const request& req) { return create_order(context, req); });
  routes.add("POST", "/v1/orders/{id}/items", access::client,
             command_route(context, "order", "id", "add_item", true));
  routes.add("DELETE", "/v1/orders/{id}/items/{sku}", access::client,
             [&context](const request& req) { return remove_item(context, req); });
  routes.add("POST", "/v1/orders/{id}/place", access::client,
             command_route(context, "order", "id", "place", true, 202));
  routes.add("POST", "/v1/orders/{id}/cancel", access::client,
             command_route(context, "order", "id", "cancel", false));
  routes.add("POST", "/v1/orders/{id}/ship", access::client,
             command_route(context, "order", "id", "ship", false));
  routes.add("POST", "/v1/inventory/{sku}/restock", access::client,
             command_route(context, "stock", "sku", "restock", true));
}

}  // namespace ordo::http
