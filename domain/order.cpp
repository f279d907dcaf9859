#include "domain/order.hpp"

#include <algorithm>

#include "domain/order_total.hpp"
#include "domain/payment.hpp"
#include "domain/validation.hpp"

namespace ordo::domain::order {

namespace {

using events = std::vector<event>;

constexpr std::size_t max_name_length = 200;
constexpr std::size_t max_email_length = 254;
constexpr std::size_t max_address_length = 1000;

std::unexpected<error> not_found() {
  return fail(error_code::not_found, "order does not exist");
}

std::unexpected<error> wrong_status(const state& s, std::string_view command) {
  return fail(error_code::invalid_state,
              std::string(command) + " is not allowed when the order is " +
                  std::string(to_string(s.status)),
              std::string(to_string(s.status)));
}

void check_item(field_checks& check, const std::string& prefix, const line_item& item) {
  check.id(prefix + "sku", item.sku);
  check.range(prefix + "quantity", item.quantity, 1, max_item_quantity);
  check.range(prefix + "unit_price_cents", item.unit_price_cents, 1, max_unit_price_cents);
}

void check_shipping(field_checks& check, const shipping_details& shipping) {
  check.text("shipping.name", shipping.name, max_name_length);
  check.text("shipping.email", shipping.email, max_email_length);
  if (!shipping.email.empty() && shipping.email.find('@') == std::string::npos) {
    check.add("shipping.email", "must be an email address");
  }
  check.text("shipping.address", shipping.address, max_address_length);
}

// An order whose lines total more than max_order_total_cents is refused like one with too many
// skus: the item is valid, the order cannot take it.
std::optional<error> over_total_cap(const std::vector<line_item>& lines) {
  auto total = total_cents(lines);
  if (total <= max_order_total_cents) return std::nullopt;
  return fail(error_code::invalid_state,
              "the order's total would be " + std::to_string(total) + " cents, over the cap of " +
                  std::to_string(max_order_total_cents),
              std::string(to_string(order_status::draft)))
      .error();
}

// The add-item rules against the lines so far (a draft order's): a known sku needs the same
// price and the merged quantity must stay within the limit; a new sku must fit the sku limit;
// the total must stay within its cap. On success `lines` includes `item`. `quantity_path` names
// the field in a validation error.
std::optional<error> merge_item(std::vector<line_item>& lines, const line_item& item,
                                const std::string& quantity_path) {
  const std::string draft(to_string(order_status::draft));
  auto line = std::ranges::find(lines, item.sku, &line_item::sku);
  if (line == lines.end()) {
    if (lines.size() >= max_distinct_skus) {
      return fail(error_code::invalid_state,
                  "an order holds at most " + std::to_string(max_distinct_skus) + " skus", draft)
          .error();
    }
    lines.push_back(item);
    return over_total_cap(lines);
  }
  if (line->unit_price_cents != item.unit_price_cents) {
    return fail(error_code::invalid_state,
                "sku " + item.sku + " is in the order at " +
                    std::to_string(line->unit_price_cents) + " cents, not " +
                    std::to_string(item.unit_price_cents),
                draft)
        .error();
  }
  if (line->quantity + item.quantity > max_item_quantity) {
    return invalid({{quantity_path, "would raise the quantity of " + item.sku + " to " +
                                        std::to_string(line->quantity + item.quantity) + ", over " +
                                        std::to_string(max_item_quantity)}})
        .error();
  }
  line->quantity += item.quantity;
  return over_total_cap(lines);
}

result<events> on(const state& s, const create& c) {
  if (s.status != order_status::none) {
    return fail(error_code::already_exists, "order " + s.order_id + " already exists");
  }
  field_checks check;
  check.id("order_id", c.order_id);
  check.id("customer_id", c.customer_id);
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    check_item(check, "items[" + std::to_string(i) + "].", c.items[i]);
  }
  if (c.shipping) check_shipping(check, *c.shipping);
  if (!check.ok()) return check.failure();

  events out{order_created{c.order_id, c.customer_id, c.shipping}};
  std::vector<line_item> lines;
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    const line_item& item = c.items[i];
    if (auto e = merge_item(lines, item, "items[" + std::to_string(i) + "].quantity")) {
      return std::unexpected(std::move(*e));
    }
    out.push_back(item_added{c.order_id, item.sku, item.quantity, item.unit_price_cents});
  }
  return out;
}

result<events> on(const state& s, const add_item& c) {
  if (s.status == order_status::none) return not_found();
  field_checks check;
  check_item(check, "", {c.sku, c.quantity, c.unit_price_cents});
  if (!check.ok()) return check.failure();
  if (s.status != order_status::draft) return wrong_status(s, c.name);
  std::vector<line_item> lines = s.items;
  if (auto e = merge_item(lines, {c.sku, c.quantity, c.unit_price_cents}, "quantity")) {
    return std::unexpected(std::move(*e));
  }
  return events{item_added{s.order_id, c.sku, c.quantity, c.unit_price_cents}};
}

result<events> on(const state& s, const remove_item& c) {
  if (s.status == order_status::none) return not_found();
  field_checks check;
  check.id("sku", c.sku);
  if (!check.ok()) return check.failure();
  if (s.status != order_status::draft) return wrong_status(s, c.name);
  if (std::ranges::find(s.items, c.sku, &line_item::sku) == s.items.end()) {
    return fail(error_code::not_found, "sku " + c.sku + " is not in the order");
  }
  return events{item_removed{s.order_id, c.sku}};
}

result<events> on(const state& s, const place& c) {
  if (s.status == order_status::none) return not_found();
  field_checks check;
  check.one_of("payment_token", c.payment_token, payment::tokens);
  if (!check.ok()) return check.failure();
  if (s.status != order_status::draft) return wrong_status(s, c.name);
  if (s.items.empty()) {
    return fail(error_code::invalid_state, "an order needs at least one item to be placed",
                std::string(to_string(s.status)));
  }
  return events{
      order_placed{s.order_id, s.customer_id, s.items, total_cents(s.items), c.payment_token}};
}

result<events> on(const state& s, const confirm& c) {
  if (s.status == order_status::none) return not_found();
  if (s.status != order_status::placed) return wrong_status(s, c.name);
  return events{order_confirmed{s.order_id}};
}

result<events> on(const state& s, const reject& c) {
  if (s.status == order_status::none) return not_found();
  field_checks check;
  check.one_of("reason", c.reason, reject_reasons);
  if (!check.ok()) return check.failure();
  if (s.status != order_status::placed) return wrong_status(s, c.name);
  return events{order_rejected{s.order_id, c.reason}};
}

result<events> on(const state& s, const cancel& c) {
  if (s.status == order_status::none) return not_found();
  field_checks check;
  if (c.reason) check.text("reason", *c.reason, max_reason_length);
  if (!check.ok()) return check.failure();
  switch (s.status) {
    case order_status::draft:
    case order_status::placed:
    case order_status::confirmed:
      return events{order_cancelled{s.order_id, c.reason, s.status}};
    default:
      return wrong_status(s, c.name);
  }
}

result<events> on(const state& s, const ship& c) {
  if (s.status == order_status::none) return not_found();
  if (s.status != order_status::confirmed) return wrong_status(s, c.name);
  return events{order_shipped{s.order_id}};
}

void apply(state& s, const order_created& e) {
  s.order_id = e.order_id;
  s.customer_id = e.customer_id;
  s.shipping = e.shipping;
  s.status = order_status::draft;
}

void apply(state& s, const item_added& e) {
  auto line = std::ranges::find(s.items, e.sku, &line_item::sku);
  if (line == s.items.end()) {
    s.items.push_back({e.sku, e.quantity, e.unit_price_cents});
  } else {
    line->quantity += e.quantity;
  }
}

void apply(state& s, const item_removed& e) {
  std::erase_if(s.items, [&](const line_item& l) { return l.sku == e.sku; });
}

void apply(state& s, const order_placed& e) {
  s.status = order_status::placed;
  s.payment_token = e.payment_token;
}

void apply(state& s, const order_confirmed&) {
  s.status = order_status::confirmed;
}

void apply(state& s, const order_rejected& e) {
  s.status = order_status::rejected;
  s.reason = e.reason;
}

void apply(state& s, const order_cancelled& e) {
  s.status = order_status::cancelled;
  s.reason = e.reason;
}

void apply(state& s, const order_shipped&) {
  s.status = order_status::shipped;
}

}  // namespace

std::string_view to_string(order_status status) {
  switch (status) {
    case order_status::none:
      return "none";
    case order_status::draft:
      return "draft";
    case order_status::placed:
      return "placed";
    case order_status::confirmed:
      return "confirmed";
    case order_status::shipped:
      return "shipped";
    case order_status::cancelled:
      return "cancelled";
    case order_status::rejected:
      return "rejected";
  }
  return "none";
}

std::optional<order_status> parse_order_status(std::string_view text) {
  for (auto status :
       {order_status::none, order_status::draft, order_status::placed, order_status::confirmed,
        order_status::shipped, order_status::cancelled, order_status::rejected}) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

std::int64_t total_cents(const std::vector<line_item>& items) {
  std::int64_t total = 0;
  for (const line_item& item : items) total += item.quantity * item.unit_price_cents;
  return total;
}

result<std::vector<event>> decide(const state& s, const command& cmd, timestamp /*now*/) {
  return std::visit([&](const auto& c) { return on(s, c); }, cmd);
}

void evolve(state& s, const event& e, timestamp at) {
  std::visit([&](const auto& x) { apply(s, x); }, e);
  if (std::holds_alternative<order_created>(e)) s.created_at = at;
  s.updated_at = at;
}

std::string_view command_name(const command& cmd) {
  return std::visit([](const auto& c) { return c.name; }, cmd);
}

std::string_view event_type(const event& e) {
  return std::visit([](const auto& x) { return x.type_name; }, e);
}

namespace {

void visit_shipping(std::string_view customer_id, shipping_details& shipping,
                    const personal_field_visitor& visit) {
  visit(customer_id, "shipping.name", shipping.name);
  visit(customer_id, "shipping.email", shipping.email);
  visit(customer_id, "shipping.address", shipping.address);
}

}  // namespace

void visit_personal_fields(event& e, const personal_field_visitor& visit) {
  if (auto* created = std::get_if<order_created>(&e); created && created->shipping)
    visit_shipping(created->customer_id, *created->shipping, visit);
}

void visit_personal_fields(state& s, const personal_field_visitor& visit) {
  if (s.shipping) visit_shipping(s.customer_id, *s.shipping, visit);
}

}  // namespace ordo::domain::order
