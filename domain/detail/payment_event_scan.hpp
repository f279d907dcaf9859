// Internal: the payment codec's fast path. Reads payment event data with json_scanner, without a
// DOM.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/payment.hpp"

namespace ordo::domain::detail {

// As scan_stock_event (domain/detail/stock_event_scan.hpp), for payment events.
std::optional<payment::event> scan_payment_event(std::string_view type,
                                                 std::uint32_t schema_version,
                                                 std::string_view data);

}  // namespace ordo::domain::detail
