// Order events and histories that the order specifications share: order o1 of customer c1.
#pragma once

#include <string>
#include <vector>

#include "given_when_then.hpp"

namespace ordo::domain::testing {

inline order::order_created order_created_event() {
  return {"o1", "c1", std::nullopt};
}

inline order::item_added item_added_event(std::string sku, std::int64_t quantity,
                                          std::int64_t unit_price_cents) {
  return {"o1", std::move(sku), quantity, unit_price_cents, "USD"};
}

// The order a placed order from draft_history() carries: 2 x w1 at 500 cents.
inline order::order_placed order_placed_event() {
  return {"o1", "c1", {{"w1", 2, 500}}, 1000, "tok_ok"};
}

inline std::vector<order::event> draft_history() {
  return {order_created_event(), item_added_event("w1", 2, 500)};
}

// A history that leaves the order in `status` (none: no events).
inline std::vector<order::event> history_in(order::order_status status) {
  using order::order_status;
  if (status == order_status::none) return {};
  std::vector<order::event> h = draft_history();
  switch (status) {
    case order_status::placed:
      h.push_back(order_placed_event());
      break;
    case order_status::confirmed:
      h.push_back(order_placed_event());
      h.push_back(order::order_confirmed{"o1"});
      break;
    case order_status::shipped:
      h.push_back(order_placed_event());
      h.push_back(order::order_confirmed{"o1"});
      h.push_back(order::order_shipped{"o1"});
      break;
    case order_status::cancelled:
      h.push_back(order::order_cancelled{"o1", std::nullopt, order_status::draft});
      break;
    case order_status::rejected:
      h.push_back(order_placed_event());
      h.push_back(order::order_rejected{"o1", "out_of_stock"});
      break;
    default:
      break;
  }
  return h;
}

}  // namespace ordo::domain::testing
