#include "readmodel/view_queries.hpp"

#include <algorithm>

#include "domain/json_text.hpp"
#include "domain/order.hpp"
#include "domain/validation.hpp"
#include "readmodel/projections/order_stats.hpp"
#include "readmodel/projections/order_summary.hpp"
#include "readmodel/projections/orders_by_customer.hpp"

namespace ordo::readmodel {
namespace {

using nlohmann::json;
using projections::order_summary;
using projections::orders_by_customer;

// Rows read per scan when a status filter may skip most of them.
constexpr std::size_t filtered_scan_chunk = 1000;

std::unexpected<persistence::storage_error> bad_query(std::string message) {
  return persistence::storage_failure(persistence::storage_errc::invalid_argument,
                                      std::move(message));
}

// The summary in an order_summary row: {"summary": {...}, "order": {...}}.
persistence::result<json> summary_of(std::string_view key, std::string_view bytes) {
  auto row = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (!row.is_discarded() && row.is_object()) {
    if (auto summary = row.find("summary"); summary != row.end() && summary->is_object())
      return std::move(*summary);
  }
  return persistence::storage_failure(persistence::storage_errc::corrupt,
                                      "unreadable view row " + std::string(key));
}

// The summary's text inside a row written by encode_order_view: the row's last member, written
// in the compact form a DOM dumps to (row_encoding_test), holding only ids, names, numbers and a
// time, so no quote or brace of its own. nullopt for a row of any other form.
std::optional<std::string_view> stored_summary_text(std::string_view row) {
  static constexpr std::string_view member = ",\"summary\":";
  auto at = row.rfind(member);
  if (at == std::string_view::npos || row.size() < at + member.size() + 3 || row.back() != '}')
    return std::nullopt;
  auto text = row.substr(at + member.size(), row.size() - 1 - (at + member.size()));
  if (text.front() != '{' || text.back() != '}' ||
      text.substr(1, text.size() - 2).find_first_of("{}[]") != std::string_view::npos ||
      !domain::is_plain_json_object(text))
    return std::nullopt;
  return text;
}

// The summary of a listed order: the row itself when listing order_summary; the order's
// order_summary row for an orders_by_customer entry, nullopt when order_summary has not applied
// the order yet (it is behind that view, or rebuilding): the order is left out of the page.
persistence::result<std::optional<json>> listed_summary(const persistence::kv_store& kv,
                                                        bool by_customer, std::string_view key,
                                                        std::string_view order_id,
                                                        std::string_view bytes) {
  if (!by_customer) return summary_of(key, bytes);
  auto summary_key = order_summary::row_key(order_id);
  auto row = kv.get(summary_key);
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::nullopt;
  return summary_of(summary_key, **row);
}

}  // namespace

json order_page::to_json() const {
  return {{"orders", orders}, {"next", next ? json(*next) : json(nullptr)}};
}

persistence::result<order_page> list_orders(const persistence::kv_store& kv,
                                            const order_list_query& query) {
  if (query.limit < 1 || query.limit > max_list_limit)
    return bad_query("limit: must be between 1 and " + std::to_string(max_list_limit));
  // Ids never contain '/': checking them keeps a query inside its own key range.
  if (query.customer_id && !domain::is_valid_id(*query.customer_id))
    return bad_query("customer_id: is not a valid id");
  if (query.after && !domain::is_valid_id(*query.after))
    return bad_query("after: is not a cursor of this listing");
  if (query.status) {
    auto status = domain::order::parse_order_status(*query.status);
    if (!status || *status == domain::order::order_status::none)
      return bad_query("status: is not an order status");
  }

  const bool by_customer = query.customer_id.has_value();
  const std::string prefix = by_customer ? orders_by_customer::customer_prefix(*query.customer_id)
                                         : std::string(order_summary::prefix);
  std::string start_after = query.after ? prefix + *query.after : std::string();
  order_page page;
  std::string last_returned;  // the order id of page.orders.back()
  std::string last_scanned;   // the order id of the last row read
  std::size_t scanned = 0;
  while (scanned < max_rows_scanned) {
    // Unfiltered, every row matches: one row more than the page tells whether a next page exists.
    auto want = query.status ? std::min(filtered_scan_chunk, max_rows_scanned - scanned)
                             : query.limit + 1 - page.orders.size();
    auto rows = kv.scan(prefix, start_after, want);
    if (!rows) return std::unexpected(std::move(rows.error()));
    for (auto& [key, bytes] : *rows) {
      ++scanned;
      auto order_id = key.substr(prefix.size());
      auto summary = listed_summary(kv, by_customer, key, order_id, bytes);
      if (!summary) return std::unexpected(std::move(summary.error()));
      if (*summary && (!query.status || (*summary)->value("status", "") == *query.status)) {
        if (page.orders.size() == query.limit) {  // a match beyond the page: there is more
          page.next = last_returned;
          return page;
        }
        page.orders.push_back(std::move(**summary));
        last_returned = order_id;
      }
      last_scanned = std::move(order_id);
    }
    if (rows->size() < want) return page;  // the end of the view
    start_after = rows->back().first;
  }
  // Read as much as one call may: the next call goes on after the last row read.
  page.next = last_scanned;
  return page;
}

persistence::result<std::optional<json>> get_order_summary(const persistence::kv_store& kv,
                                                           std::string_view order_id) {
  if (!domain::is_valid_id(order_id)) return std::nullopt;
  auto key = order_summary::row_key(order_id);
  auto row = kv.get(key);
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::nullopt;
  auto summary = summary_of(key, **row);
  if (!summary) return std::unexpected(std::move(summary.error()));
  return std::optional<json>(std::move(*summary));
}

persistence::result<std::optional<std::string>> get_order_summary_text(
    const persistence::kv_store& kv, std::string_view order_id) {
  if (!domain::is_valid_id(order_id)) return std::nullopt;
  auto key = order_summary::row_key(order_id);
  auto row = kv.get(key);
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::nullopt;
  if (auto text = stored_summary_text(**row)) return std::optional<std::string>(*text);
  auto summary = summary_of(key, **row);
  if (!summary) return std::unexpected(std::move(summary.error()));
  return std::optional<std::string>(summary->dump(-1, ' ', false, json::error_handler_t::replace));
}

persistence::result<json> get_stats(const persistence::kv_store& kv) {
  return projections::load_stats(kv);
}

}  // namespace ordo::readmodel
