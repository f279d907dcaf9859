#include "domain/detail/stock_event_scan.hpp"

#include "domain/detail/event_scan.hpp"

namespace ordo::domain::detail {
namespace {

bool read(json_scanner& in, stock::restocked& e) {
  return read_object(in, 2, [&](std::string_view key, field_set& seen) {
    if (key == "sku") return seen.first(0) && in.text(e.sku);
    if (key == "quantity") return seen.first(1) && in.integer(e.quantity);
    return false;
  });
}

// Reserved, released and shipped share one shape: which order, how many units.
template <class E>
bool read_movement(json_scanner& in, E& e) {
  return read_object(in, 3, [&](std::string_view key, field_set& seen) {
    if (key == "sku") return seen.first(0) && in.text(e.sku);
    if (key == "order_id") return seen.first(1) && in.text(e.order_id);
    if (key == "quantity") return seen.first(2) && in.integer(e.quantity);
    return false;
  });
}

bool read(json_scanner& in, stock::stock_reserved& e) {
  return read_movement(in, e);
}
bool read(json_scanner& in, stock::stock_released& e) {
  return read_movement(in, e);
}
bool read(json_scanner& in, stock::stock_shipped& e) {
  return read_movement(in, e);
}

}  // namespace

std::optional<stock::event> scan_stock_event(std::string_view type, std::uint32_t schema_version,
                                             std::string_view data) {
  return scan_event<stock::event>(type, schema_version, data,
                                  [](json_scanner& in, auto& e) { return read(in, e); });
}

}  // namespace ordo::domain::detail
