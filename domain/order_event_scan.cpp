#include "domain/detail/order_event_scan.hpp"

#include <type_traits>
#include <utility>

#include "domain/detail/json_scanner.hpp"

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

// The fields of one object read so far, by number: a field read twice or a required one missing
// sends the event to the DOM path (which says which, or which value wins).
class field_set {
 public:
  // Marks `field` read; false if it was read before.
  bool first(unsigned field) {
    const unsigned bit = 1u << field;
    if ((seen_ & bit) != 0) return false;
    seen_ |= bit;
    return true;
  }
  // Fields 0 .. count - 1 are the required ones.
  bool has_required(unsigned count) const {
    const unsigned mask = (1u << count) - 1;
    return (seen_ & mask) == mask;
  }

 private:
  unsigned seen_ = 0;
};

// Reads an object member by member with `member(in, key, seen) -> bool` (false: a field this
// path does not read, or a value it cannot), then checks the first `required` fields were there.
template <class Member>
bool read_object(json_scanner& in, unsigned required, Member member) {
  if (!in.begin_object()) return false;
  field_set seen;
  for (std::string_view key; in.next_key(key);)
    if (!member(key, seen)) return false;
  return !in.failed() && seen.has_required(required);
}

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
  using order::event;
  std::optional<event> out;
  auto try_alternative = [&]<std::size_t I>() {
    using E = std::variant_alternative_t<I, event>;
    if (E::type_name != type || schema_version != E::schema_version) return false;
    json_scanner in(data);
    E e;
    if (read(in, e) && in.at_end()) out.emplace(std::in_place_index<I>, std::move(e));
    return true;
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (try_alternative.template operator()<I>() || ...);
  }
  (std::make_index_sequence<std::variant_size_v<event>>{});
  return out;
}

}  // namespace ordo::domain::detail
