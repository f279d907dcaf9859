// order_summary: one row per order, "view/order_summary/<order_id>", holding the order's summary
// (GET /v1/views/orders/{id}) and the state it is computed from. Listing every order is one
// prefix scan in order id order.
#pragma once

#include <string>
#include <string_view>

#include "readmodel/projection.hpp"
#include "readmodel/projections/order_view.hpp"
#include "readmodel/row_cache.hpp"

namespace ordo::readmodel::projections {

class order_summary final : public projection {
 public:
  static constexpr std::string_view projection_name = "order_summary";
  static constexpr std::string_view prefix = "view/order_summary/";

  static std::string row_key(std::string_view order_id) {
    return std::string(prefix).append(order_id);
  }

  order_summary() : views_(std::string(prefix), decode_order_view) {}

  std::string_view name() const override { return projection_name; }
  std::string_view row_prefix() const override { return prefix; }
  // Events of streams other than "order-<id>" are ignored.
  persistence::result<void> apply(std::span<const decoded_event> events, row_batch& rows) override;
  bool decodes_order_event(const persistence::recorded_event&) const override { return true; }
  void forget() override { views_.forget(); }

 private:
  row_cache<order_view> views_;  // by order id
};

}  // namespace ordo::readmodel::projections
