// What the saga asks the actor layer to do: the commands of its current step (next_actions), the
// answers to them as commands to itself (interpret), its deadline (wake_up), and the order events
// it follows (on_order_event). The bodies are the JSON that command_json parses.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/codec.hpp"
#include "domain/order.hpp"
#include "domain/payment.hpp"
#include "domain/saga.hpp"
#include "domain/stock.hpp"

namespace ordo::domain::saga {

namespace {

using nlohmann::json;

constexpr std::string_view saga_type = "saga";
constexpr std::string_view stock_type = "stock";
constexpr std::string_view payment_type = "payment";
constexpr std::string_view order_type = "order";
constexpr std::string_view ok = "ok";

// "saga-<order id>:<step>:<command>[:<sku>]"
std::string action_id(const state& s, std::string_view command, std::string_view sku = {}) {
  std::string id =
      "saga-" + s.order_id + ":" + std::string(to_string(s.step)) + ":" + std::string(command);
  if (!sku.empty()) id += ":" + std::string(sku);
  return id;
}

outgoing send(std::string_view type, std::string id, std::string_view command, const json& body,
              std::string command_id) {
  return {std::string(type), std::move(id), std::string(command), compact_json(body),
          std::move(command_id)};
}

// A command to the saga `order_id` itself.
outgoing to_saga(const std::string& order_id, std::string_view command, const json& body,
                 std::string command_id) {
  return send(saga_type, order_id, command, body, std::move(command_id));
}

// One stock command (release, ship) per item not settled yet, naming the order: stock
// reservations are held per order, so the stock parser requires its id.
void per_unsettled_sku(const state& s, std::string_view command, std::vector<outgoing>& out) {
  for (const line& item : s.items) {
    if (s.settled.contains(item.sku)) continue;
    out.push_back(send(stock_type, item.sku, command, json{{"order_id", s.order_id}},
                       action_id(s, command, item.sku)));
  }
}

bool payment_open(const state& s) {
  return s.payment_requested && !s.payment_settled;
}

void reserving_actions(const state& s, std::vector<outgoing>& out) {
  for (const line& item : s.items) {
    if (s.reserved.contains(item.sku)) continue;
    out.push_back(send(stock_type, item.sku, stock::reserve::name,
                       json{{"order_id", s.order_id}, {"quantity", item.quantity}},
                       action_id(s, stock::reserve::name, item.sku)));
  }
}

void compensating_actions(const state& s, std::vector<outgoing>& out) {
  per_unsettled_sku(s, stock::release::name, out);
  if (payment_open(s)) {
    // An authorization holds no money and is voided; a capture took it and is refunded.
    const std::string_view command =
        s.payment_status == "captured" ? payment::refund::name : payment::void_payment::name;
    out.push_back(send(payment_type, s.order_id, command, json::object(), action_id(s, command)));
  }
  // The order is rejected last, once nothing else is held for it.
  const bool rest_settled =
      std::ranges::all_of(s.items, [&](const line& item) { return s.settled.contains(item.sku); });
  if (rest_settled && !payment_open(s) && s.reject_order && !s.order_settled) {
    out.push_back(send(order_type, s.order_id, order::reject::name, json{{"reason", s.outcome}},
                       action_id(s, order::reject::name)));
  }
}

void shipping_actions(const state& s, std::vector<outgoing>& out) {
  per_unsettled_sku(s, stock::ship::name, out);
  if (payment_open(s)) {
    out.push_back(send(payment_type, s.order_id, payment::capture::name, json::object(),
                       action_id(s, payment::capture::name)));
  }
}

bool is_payment_command(std::string_view command) {
  return command == payment::authorize::name || command == payment::void_payment::name ||
         command == payment::refund::name || command == payment::capture::name;
}

}  // namespace

std::vector<outgoing> next_actions(const state& s) {
  std::vector<outgoing> out;
  if (s.status != saga_status::active) return out;
  switch (s.step) {
    case saga_step::reserving:
      reserving_actions(s, out);
      break;
    case saga_step::authorizing:
      out.push_back(send(payment_type, s.order_id, payment::authorize::name,
                         json{{"order_id", s.order_id},
                              {"amount_cents", s.total_cents},
                              {"token", s.payment_token}},
                         action_id(s, payment::authorize::name)));
      break;
    case saga_step::confirming:
      out.push_back(send(order_type, s.order_id, order::confirm::name, json::object(),
                         action_id(s, order::confirm::name)));
      break;
    case saga_step::compensating:
      compensating_actions(s, out);
      break;
    case saga_step::shipping:
      shipping_actions(s, out);
      break;
    default:
      break;
  }
  return out;
}

std::optional<outgoing> interpret(const state& s, const outgoing& action, std::string_view code,
                                  std::string_view status) {
  const std::string id = action.command_id + ":answer";
  const bool ok_or_state = code == ok || code == to_string(error_code::invalid_state);
  if (action.aggregate_type == stock_type) {
    const json sku{{"sku", action.aggregate_id}};
    if (action.command == stock::reserve::name) {
      if (code == ok) return to_saga(s.order_id, stock_reserved::name, sku, id);
      if (code == to_string(error_code::out_of_stock) ||
          code == to_string(error_code::validation_failed) ||
          code == to_string(error_code::not_found)) {
        return to_saga(s.order_id, stock_unavailable::name, sku, id);
      }
    }
    if (action.command == stock::release::name && code == ok) {
      return to_saga(s.order_id, stock_released::name, sku, id);
    }
    if (action.command == stock::ship::name && code == ok) {
      return to_saga(s.order_id, stock_shipped::name, sku, id);
    }
    return std::nullopt;
  }
  if (action.aggregate_type == payment_type && is_payment_command(action.command)) {
    if (code == to_string(error_code::not_found)) {
      return to_saga(s.order_id, payment_result::name, json{{"status", "none"}}, id);
    }
    // A pending payment is nothing to record: the step's deadline decides.
    if (ok_or_state && !status.empty() && status != "pending") {
      return to_saga(s.order_id, payment_result::name, json{{"status", std::string(status)}}, id);
    }
    return std::nullopt;
  }
  if (action.aggregate_type == order_type &&
      (action.command == order::confirm::name || action.command == order::reject::name)) {
    if (ok_or_state && !status.empty()) {
      return to_saga(s.order_id, order_result::name, json{{"status", std::string(status)}}, id);
    }
  }
  return std::nullopt;
}

std::optional<scheduled_command> wake_up(const state& s) {
  if (s.deadline == 0) return std::nullopt;
  const std::string step(to_string(s.step));
  return scheduled_command{
      s.deadline,
      to_saga(s.order_id, timeout::name, json{{"step", step}, {"attempt", s.attempt}},
              "saga-" + s.order_id + ":timeout:" + step + ":" + std::to_string(s.attempt))};
}

std::optional<outgoing> on_order_event(const order::event& e, std::int64_t step_timeout_ms) {
  if (const auto* placed = std::get_if<order::order_placed>(&e)) {
    json items = json::array();
    for (const order::line_item& item : placed->items) {
      items.push_back({{"sku", item.sku}, {"quantity", item.quantity}});
    }
    return to_saga(placed->order_id, start::name,
                   json{{"order_id", placed->order_id},
                        {"items", std::move(items)},
                        {"total_cents", placed->total_cents},
                        {"payment_token", placed->payment_token},
                        {"step_timeout_ms", step_timeout_ms}},
                   "saga-" + placed->order_id + ":start");
  }
  if (const auto* cancelled = std::get_if<order::order_cancelled>(&e)) {
    if (cancelled->from_status != order::order_status::placed &&
        cancelled->from_status != order::order_status::confirmed) {
      return std::nullopt;  // a draft never had a saga
    }
    return to_saga(cancelled->order_id, order_cancelled::name, json::object(),
                   "saga-" + cancelled->order_id + ":order_cancelled");
  }
  if (const auto* shipped = std::get_if<order::order_shipped>(&e)) {
    return to_saga(shipped->order_id, order_shipped::name, json::object(),
                   "saga-" + shipped->order_id + ":order_shipped");
  }
  return std::nullopt;
}

bool acts_on_order_event(std::string_view type) {
  return type == order::order_placed::type_name || type == order::order_cancelled::type_name ||
         type == order::order_shipped::type_name;
}

}  // namespace ordo::domain::saga
