// Reads of the projections' rows for the HTTP layer (GET /v1/views/...). Plain functions over the
// kv store: no CAF, callable from any thread. The views are eventually consistent; a caller that
// needs a given position first awaits it at the projector (actors/projector.hpp):
//   list_orders without customer_id, get_order_summary -> order_summary
//   list_orders with customer_id                       -> orders_by_customer's entries, each
//                                                         order's summary from order_summary
//   get_stats                                          -> stats
// Errors: invalid_argument for a bad query (the HTTP layer's 400 validation_failed, the message
// names the field); anything else is a storage failure (503).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/kv_store.hpp"
#include "persistence/result.hpp"

namespace ordo::readmodel {

inline constexpr std::size_t default_list_limit = 50;
inline constexpr std::size_t max_list_limit = 200;
// Rows one listing call reads at most: a status filter that matches rarely returns a short page
// (maybe empty) with a cursor to go on, instead of scanning the whole view in one request.
inline constexpr std::size_t max_rows_scanned = 10'000;

struct order_list_query {
  std::optional<std::string> customer_id;
  std::optional<std::string> status;       // "draft", "placed", ...
  std::size_t limit = default_list_limit;  // 1..max_list_limit
  // The "next" of the previous page. Pages are in order id order and the cursor is the last order
  // id that page covered, so paging stays stable while orders are added: no order is shown twice
  // or skipped (an order created behind the cursor is simply not on the later pages).
  std::optional<std::string> after;
};

struct order_page {
  std::vector<nlohmann::json> orders;  // summaries
  std::optional<std::string> next;     // nullopt: no more orders
  // {"orders": [...], "next": cursor | null}
  nlohmann::json to_json() const;
};

persistence::result<order_page> list_orders(const persistence::kv_store& kv,
                                            const order_list_query& query);

// The summary {"order_id", "customer_id", "status", "item_count", "total_cents", "version",
// "updated_at"}, or nullopt when the view does not know the order (404).
persistence::result<std::optional<nlohmann::json>> get_order_summary(
    const persistence::kv_store& kv, std::string_view order_id);

// The same summary as compact JSON text, the bytes get_order_summary's value dumps to: taken from
// the stored row as it is when the row holds it in that form (rows written by encode_order_view
// do), without building a DOM; else through the DOM.
persistence::result<std::optional<std::string>> get_order_summary_text(
    const persistence::kv_store& kv, std::string_view order_id);

// {"orders_by_status": {"draft": n, ...}, "confirmed_revenue_cents", "position"}
persistence::result<nlohmann::json> get_stats(const persistence::kv_store& kv);

}  // namespace ordo::readmodel
