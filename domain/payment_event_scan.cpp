#include "domain/detail/payment_event_scan.hpp"

#include "domain/detail/event_scan.hpp"

namespace ordo::domain::detail {
namespace {

bool read(json_scanner& in, payment::payment_requested& e) {
  return read_object(in, 3, [&](std::string_view key, field_set& seen) {
    if (key == "order_id") return seen.first(0) && in.text(e.order_id);
    if (key == "amount_cents") return seen.first(1) && in.integer(e.amount_cents);
    if (key == "token") return seen.first(2) && in.text(e.token);
    return false;
  });
}

bool read(json_scanner& in, payment::payment_declined& e) {
  return read_object(in, 2, [&](std::string_view key, field_set& seen) {
    if (key == "order_id") return seen.first(0) && in.text(e.order_id);
    if (key == "reason") return seen.first(1) && in.text(e.reason);
    return false;
  });
}

bool read(json_scanner& in, payment::payment_voided& e) {
  return read_object(in, 1, [&](std::string_view key, field_set& seen) {
    return key == "order_id" && seen.first(0) && in.text(e.order_id);
  });
}

// Authorized, captured and refunded share one shape: which order, how much.
template <class E>
bool read_amount(json_scanner& in, E& e) {
  return read_object(in, 2, [&](std::string_view key, field_set& seen) {
    if (key == "order_id") return seen.first(0) && in.text(e.order_id);
    if (key == "amount_cents") return seen.first(1) && in.integer(e.amount_cents);
    return false;
  });
}

bool read(json_scanner& in, payment::payment_authorized& e) {
  return read_amount(in, e);
}
bool read(json_scanner& in, payment::payment_captured& e) {
  return read_amount(in, e);
}
bool read(json_scanner& in, payment::payment_refunded& e) {
  return read_amount(in, e);
}

}  // namespace

std::optional<payment::event> scan_payment_event(std::string_view type,
                                                 std::uint32_t schema_version,
                                                 std::string_view data) {
  return scan_event<payment::event>(type, schema_version, data,
                                    [](json_scanner& in, auto& e) { return read(in, e); });
}

}  // namespace ordo::domain::detail
