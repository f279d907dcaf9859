// The cap on an order's total (docs/API.md, "Orders"): an order whose lines would total more is
// refused 409 invalid_state, on add_item and on a create with items. With it, a sum of totals
// (the stats' revenue) stays exact far beyond any real volume; the stats still sum in 128 bits
// for orders recorded before the cap or imported.
#pragma once

#include <cstdint>

namespace ordo::domain::order {

// 10^12 cents: 10^10 in currency units.
inline constexpr std::int64_t max_order_total_cents = 1'000'000'000'000;

}  // namespace ordo::domain::order
