// stats: how many orders are in each status, the revenue of confirmed and shipped orders, and the
// position the figures are as of (GET /v1/views/stats).
//
// Rows:
//   view/stats/totals             {"orders_by_status": {...}, "confirmed_revenue_cents",
//   "position"}
//                                 in the API's shape, rewritten with every batch; when the
//                                 revenue is past int64 (where the API's figure saturates), also
//                                 "confirmed_revenue_cents_exact": "<decimal>"
//   view/stats/order/<order_id>   {"status", "total_cents", "version"}: what a transition must
//                                 take out of the totals
// "position" lives in the totals row (and not only in the checkpoint) so that one read gives
// figures and position from the same commit.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/order.hpp"
#include "readmodel/projection.hpp"
#include "readmodel/row_cache.hpp"

namespace ordo::readmodel::projections {

class order_stats final : public projection {
 public:
  static constexpr std::string_view projection_name = "stats";
  static constexpr std::string_view prefix = "view/stats/";
  static constexpr std::string_view totals_key = "view/stats/totals";

  static std::string order_key(std::string_view order_id) {
    return std::string(prefix).append("order/").append(order_id);
  }

  // What the stats remember of one order (the row under order_key).
  struct order_tally {
    domain::order::order_status status = domain::order::order_status::none;
    std::int64_t total_cents = 0;  // as placed; items cannot change after that
    std::uint64_t version = 0;
  };
  // A sum of int64 totals that no sequence of orders overflows: 2^64 positions of 2^63 cents fit.
  __extension__ typedef __int128 wide_cents;

  // The figures (the totals row).
  struct totals {
    std::map<domain::order::order_status, std::int64_t> by_status;  // only the counted statuses
    wide_cents revenue_cents = 0;
    std::uint64_t position = 0;
  };

  order_stats();

  std::string_view name() const override { return projection_name; }
  std::string_view row_prefix() const override { return prefix; }
  // Events of streams other than "order-<id>" are ignored (but still advance "position").
  // ItemAdded and ItemRemoved are not decoded (they move no figure): a damaged payload of one
  // stops the order views, not the stats.
  persistence::result<void> apply(std::span<const decoded_event> events, row_batch& rows) override;
  bool decodes_order_event(const persistence::recorded_event& e) const override;
  void forget() override;

 private:
  row_cache<order_tally> tallies_;  // by order id
  std::optional<totals> totals_;    // the totals row, once read
};

// The stats in the API's shape; all zero (position 0) before the first batch. Every status
// appears in "orders_by_status", with 0 when no order has it. "confirmed_revenue_cents" saturates
// at 2^63-1 (the exact sum is kept in the row, so the figure comes back down when orders leave).
persistence::result<nlohmann::json> load_stats(const persistence::kv_store& kv);

}  // namespace ordo::readmodel::projections
