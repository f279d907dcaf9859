// orders_by_customer: the orders of each customer, so that listing them is one prefix scan.
//
// Rows:
//   view/orders_by_customer/<customer_id>/<order_id>  the order's summary (what a listing shows)
//   view/orders_by_customer/#order/<order_id>         the order's state, to evolve it: later
//                                                     events name the order, not its customer
// '#' cannot start an id (ids match ^[A-Za-z0-9][A-Za-z0-9._-]*$), so no customer's rows mix with
// the state rows, and '/' cannot occur in an id, so "c1/" never matches the rows of "c10".
#pragma once

#include <string>
#include <string_view>

#include "readmodel/projection.hpp"
#include "readmodel/projections/order_view.hpp"
#include "readmodel/row_cache.hpp"

namespace ordo::readmodel::projections {

class orders_by_customer final : public projection {
 public:
  static constexpr std::string_view projection_name = "orders_by_customer";
  static constexpr std::string_view prefix = "view/orders_by_customer/";

  // Where the summaries of one customer's orders live, in order id order.
  static std::string customer_prefix(std::string_view customer_id) {
    return std::string(prefix).append(customer_id).append("/");
  }
  static std::string index_key(std::string_view customer_id, std::string_view order_id) {
    return customer_prefix(customer_id).append(order_id);
  }
  static std::string state_key(std::string_view order_id) {
    return std::string(prefix).append("#order/").append(order_id);
  }

  orders_by_customer() : views_(state_key(""), decode_order_view) {}

  std::string_view name() const override { return projection_name; }
  std::string_view row_prefix() const override { return prefix; }
  // Events of streams other than "order-<id>" are ignored.
  persistence::result<void> apply(std::span<const persistence::recorded_event> events,
                                  row_batch& rows) override;
  void forget() override { views_.forget(); }

 private:
  row_cache<order_view> views_;  // the state rows, by order id
};

}  // namespace ordo::readmodel::projections
