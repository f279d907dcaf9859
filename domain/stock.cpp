#include "domain/stock.hpp"

#include <limits>

#include "domain/validation.hpp"

namespace ordo::domain::stock {

namespace {

using events = std::vector<event>;

result<events> on(const state& s, const restock& c) {
  field_checks check;
  check.id("sku", c.sku);
  check.range("quantity", c.quantity, 1, max_restock_quantity);
  // The actor routes by sku, so a mismatch is a caller's bug: refuse rather than mix stocks.
  if (s.status != stock_status::none && c.sku != s.sku) {
    check.add("sku", "is " + c.sku + " but this stock is " + s.sku);
  }
  if (!check.ok()) return check.failure();
  return events{restocked{c.sku, c.quantity}};
}

result<events> on(const state& s, const reserve& c) {
  field_checks check;
  check.id("order_id", c.order_id);
  check.range("quantity", c.quantity, 1, std::numeric_limits<std::int64_t>::max());
  if (!check.ok()) return check.failure();
  if (s.reservations.contains(c.order_id)) return events{};
  if (available(s) < c.quantity) {
    return fail(error_code::out_of_stock,
                "sku " + (s.sku.empty() ? std::string("(never restocked)") : s.sku) +
                    ": available " + std::to_string(available(s)) + ", requested " +
                    std::to_string(c.quantity));
  }
  return events{stock_reserved{s.sku, c.order_id, c.quantity}};
}

result<events> on(const state& s, const release& c) {
  field_checks check;
  check.id("order_id", c.order_id);
  if (!check.ok()) return check.failure();
  const auto held = s.reservations.find(c.order_id);
  if (held == s.reservations.end()) return events{};
  return events{stock_released{s.sku, c.order_id, held->second}};
}

result<events> on(const state& s, const ship& c) {
  field_checks check;
  check.id("order_id", c.order_id);
  if (!check.ok()) return check.failure();
  const auto held = s.reservations.find(c.order_id);
  if (held == s.reservations.end()) return events{};
  return events{stock_shipped{s.sku, c.order_id, held->second}};
}

void apply(state& s, const restocked& e) {
  s.sku = e.sku;
  s.status = stock_status::active;
  s.on_hand += e.quantity;
}

void apply(state& s, const stock_reserved& e) {
  s.reservations[e.order_id] += e.quantity;
  s.reserved += e.quantity;
}

void apply(state& s, const stock_released& e) {
  s.reservations.erase(e.order_id);
  s.reserved -= e.quantity;
}

void apply(state& s, const stock_shipped& e) {
  s.reservations.erase(e.order_id);
  s.reserved -= e.quantity;
  s.on_hand -= e.quantity;
  s.shipped += e.quantity;
}

}  // namespace

std::string_view to_string(stock_status status) {
  return status == stock_status::active ? "active" : "none";
}

std::optional<stock_status> parse_stock_status(std::string_view text) {
  if (text == "none") return stock_status::none;
  if (text == "active") return stock_status::active;
  return std::nullopt;
}

result<std::vector<event>> decide(const state& s, const command& cmd, timestamp /*now*/) {
  return std::visit([&](const auto& c) { return on(s, c); }, cmd);
}

void evolve(state& s, const event& e, timestamp /*at*/) {
  std::visit([&](const auto& x) { apply(s, x); }, e);
}

std::string_view command_name(const command& cmd) {
  return std::visit([](const auto& c) { return c.name; }, cmd);
}

std::string_view event_type(const event& e) {
  return std::visit([](const auto& x) { return x.type_name; }, e);
}

}  // namespace ordo::domain::stock
