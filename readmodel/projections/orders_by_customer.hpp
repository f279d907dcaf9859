// orders_by_customer: which orders each customer has, so that listing them is one prefix scan.
// The orders themselves are order_summary's rows: this view keeps no copy of them.
//
// Rows:
//   view/orders_by_customer/<customer_id>/<order_id>  "" (an index entry: the listing reads the
//                                                     order's summary from order_summary)
// An order's customer is set by OrderCreated and never changes, so an entry is written once and
// only OrderCreated events are decoded; writing it again (an event applied twice) changes nothing.
// '/' cannot occur in an id, so "c1/" never matches the entries of "c10".
//
// Data directories of earlier versions hold the summary in each entry and the order's state under
// "view/orders_by_customer/#order/<order_id>" ('#' cannot start an id): needs_rebuild() sees those
// state rows and the projector rebuilds the view in the new format on start.
#pragma once

#include <string>
#include <string_view>

#include "readmodel/projection.hpp"

namespace ordo::readmodel::projections {

class orders_by_customer final : public projection {
 public:
  static constexpr std::string_view projection_name = "orders_by_customer";
  static constexpr std::string_view prefix = "view/orders_by_customer/";
  // Where earlier versions kept each order's state (see above).
  static constexpr std::string_view legacy_state_prefix = "view/orders_by_customer/#order/";

  // Where the entries of one customer's orders live, in order id order.
  static std::string customer_prefix(std::string_view customer_id) {
    return std::string(prefix).append(customer_id).append("/");
  }
  static std::string index_key(std::string_view customer_id, std::string_view order_id) {
    return customer_prefix(customer_id).append(order_id);
  }

  std::string_view name() const override { return projection_name; }
  std::string_view row_prefix() const override { return prefix; }
  // Events of streams other than "order-<id>" are ignored.
  persistence::result<void> apply(std::span<const decoded_event> events, row_batch& rows) override;
  persistence::result<bool> needs_rebuild(const persistence::kv_store& kv) const override;
};

}  // namespace ordo::readmodel::projections
