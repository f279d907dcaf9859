#include "domain/detail/order_event_scan.hpp"

#include "domain/detail/event_scan.hpp"

namespace ordo::domain::detail {
namespace {

using order::item_added;
using order::item_removed;
using order::line_item;
using order::order_cancelled;
using order::order_confirmed;
using order::order_created;
using order::order_placed;
using order::order_rejected;
using order::order_shipped;
using order::order_status;
using order::shipping_details;

bool read_line_item(json_scanner& in, line_item& item) {
  return read_object(in, 3, [&](std::string_view key, field_set& seen) {
    if (key == "sku") return seen.first(0) && in.text(item.sku);
    if (key == "quantity") return seen.first(1) && in.integer(item.quantity);
    if (key == "unit_price_cents") return seen.first(2) && in.integer(item.unit_price_cents);
    return false;
  });
}

bool read_items(json_scanner& in, std::vector<line_item>& items) {
  if (!in.begin_array()) return false;
  while (in.next_element())
    if (!read_line_item(in, items.emplace_back())) return false;
  return !in.failed();
}

bool read_shipping(json_scanner& in, shipping_details& shipping) {
  return read_object(in, 3, [&](std::string_view key, field_set& seen) {
    if (key == "name") return seen.first(0) && in.text(shipping.name);
    if (key == "email") return seen.first(1) && in.text(shipping.email);
    if (key == "address") return seen.first(2) && in.text(shipping.address);
    return false;
  });
}

bool read_status(json_scanner& in, order_status& status) {
  std::string_view name;
  if (!in.text(name)) return false;
  auto parsed = order::parse_order_status(name);
  if (parsed) status = *parsed;
  return parsed.has_value();
}

// --- each event: its fields, the required ones numbered first ---

bool read(json_scanner& in, order_created& e) {
  return read_object(in, 2, [&](std::string_view key, field_set& seen) {
    if (key == "order_id") return seen.first(0) && in.text(e.order_id);
    if (key == "customer_id") return seen.first(1) && in.text(e.customer_id);
    if (key == "shipping")
      return seen.first(2) && (in.null() || read_shipping(in, e.shipping.emplace()));
    return false;
  });
}

bool read(json_scanner& in, item_added& e) {
  return read_object(in, 5, [&](std::string_view key, field_set& seen) {
    if (key == "order_id") return seen.first(0) && in.text(e.order_id);
    if (key == "sku") return seen.first(1) && in.text(e.sku);
    if (key == "quantity") return seen.first(2) && in.integer(e.quantity);
    if (key == "unit_price_cents") return seen.first(3) && in.integer(e.unit_price_cents);
    if (key == "currency") return seen.first(4) && in.text(e.currency);
    return false;
  });
}

bool read(json_scanner& in, item_removed& e) {
  return read_object(in, 2, [&](std::string_view key, field_set& seen) {
    if (key == "order_id") return seen.first(0) && in.text(e.order_id);
    if (key == "sku") return seen.first(1) && in.text(e.sku);
    return false;
  });
}

bool read(json_scanner& in, order_placed& e) {
  return read_object(in, 5, [&](std::string_view key, field_set& seen) {
    if (key == "order_id") return seen.first(0) && in.text(e.order_id);
    if (key == "customer_id") return seen.first(1) && in.text(e.customer_id);
    if (key == "items") return seen.first(2) && read_items(in, e.items);
    if (key == "total_cents") return seen.first(3) && in.integer(e.total_cents);
    if (key == "payment_token") return seen.first(4) && in.text(e.payment_token);
    return false;
  });
}

bool read_order_id_only(json_scanner& in, std::string& order_id) {
  return read_object(in, 1, [&](std::string_view key, field_set& seen) {
    return key == "order_id" && seen.first(0) && in.text(order_id);
  });
}

bool read(json_scanner& in, order_confirmed& e) {
  return read_order_id_only(in, e.order_id);
}
bool read(json_scanner& in, order_shipped& e) {
  return read_order_id_only(in, e.order_id);
}

bool read(json_scanner& in, order_rejected& e) {
  return read_object(in, 2, [&](std::string_view key, field_set& seen) {
    if (key == "order_id") return seen.first(0) && in.text(e.order_id);
    if (key == "reason") return seen.first(1) && in.text(e.reason);
    return false;
  });
}

bool read(json_scanner& in, order_cancelled& e) {
  return read_object(in, 2, [&](std::string_view key, field_set& seen) {
    if (key == "order_id") return seen.first(0) && in.text(e.order_id);
    if (key == "from_status") return seen.first(1) && read_status(in, e.from_status);
    if (key == "reason") return seen.first(2) && (in.null() || in.text(e.reason.emplace()));
    return false;
  });
}

}  // namespace

std::optional<order::event> scan_order_event(std::string_view type, std::uint32_t schema_version,
                                             std::string_view data) {
  return scan_event<order::event>(type, schema_version, data,
                                  [](json_scanner& in, auto& e) { return read(in, e); });
}

}  // namespace ordo::domain::detail
