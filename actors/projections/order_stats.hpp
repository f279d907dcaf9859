// stats: how many orders are in each status, the revenue of confirmed and shipped orders, and the
// position the figures are as of (GET /v1/views/stats).
//
// Rows:
//   view/stats/totals             {"orders_by_status": {...}, "confirmed_revenue_cents",
//   "position"}
//                                 in the API's shape, rewritten with every batch
//   view/stats/order/<order_id>   {"status", "total_cents", "version"}: what a transition must
//                                 take out of the totals
// "position" lives in the totals row (and not only in the checkpoint) so that one read gives
// figures and position from the same commit.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "actors/projection.hpp"

namespace ordo::actors::projections {

class order_stats final : public projection {
 public:
  static constexpr std::string_view projection_name = "stats";
  static constexpr std::string_view prefix = "view/stats/";
  static constexpr std::string_view totals_key = "view/stats/totals";

  static std::string order_key(std::string_view order_id) {
    return std::string(prefix).append("order/").append(order_id);
  }

  std::string_view name() const override { return projection_name; }
  std::string_view row_prefix() const override { return prefix; }
  // Events of streams other than "order-<id>" are ignored (but still advance "position").
  persistence::result<void> apply(std::span<const persistence::recorded_event> events,
                                  row_batch& rows) override;
};

// The stats in the API's shape; all zero (position 0) before the first batch. Every status
// appears in "orders_by_status", with 0 when no order has it.
persistence::result<nlohmann::json> load_stats(const persistence::kv_store& kv);

}  // namespace ordo::actors::projections
