#include "readmodel/view_merge.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace ordo::readmodel {
namespace {

using nlohmann::json;

// Wide enough to sum every node's int64 revenue exactly.
__extension__ typedef __int128 wide_cents;

// A node's cursor, or nullopt when its page reached the end of its view.
std::optional<std::string> cursor_of(const json& page) {
  auto next = page.find("next");
  if (next == page.end() || !next->is_string()) return std::nullopt;
  return next->get<std::string>();
}

std::string order_id_of(const json& summary) {
  auto id = summary.find("order_id");
  return id != summary.end() && id->is_string() ? id->get<std::string>() : std::string();
}

std::int64_t saturated(wide_cents cents) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  return cents > max ? max : cents < min ? min : static_cast<std::int64_t>(cents);
}

}  // namespace

json merge_order_pages(const std::vector<node_view>& pages, std::size_t limit) {
  // The order ids every node covered: up to the smallest cursor.
  std::optional<std::string> covered_to;
  std::vector<const json*> orders;
  for (const auto& page : pages) {
    if (!page.body.is_object()) continue;
    if (auto cursor = cursor_of(page.body))
      if (!covered_to || *cursor < *covered_to) covered_to = std::move(cursor);
    auto list = page.body.find("orders");
    if (list == page.body.end() || !list->is_array()) continue;
    for (const auto& summary : *list) orders.push_back(&summary);
  }
  std::sort(orders.begin(), orders.end(),
            [](const json* a, const json* b) { return order_id_of(*a) < order_id_of(*b); });
  json merged = json::array();
  for (const auto* summary : orders) {
    if (covered_to && order_id_of(*summary) > *covered_to) break;
    if (merged.size() == limit) {  // one beyond the page: the next page starts after the last
      covered_to = order_id_of(merged.back());
      break;
    }
    merged.push_back(*summary);
  }
  return {{"orders", std::move(merged)}, {"next", covered_to ? json(*covered_to) : json(nullptr)}};
}

json merge_stats(const std::vector<node_view>& stats) {
  json by_status = json::object();
  wide_cents revenue = 0;
  std::string positions;
  for (const auto& node : stats) {
    if (!node.body.is_object()) continue;
    if (auto counts = node.body.find("orders_by_status");
        counts != node.body.end() && counts->is_object()) {
      for (const auto& [status, count] : counts->items()) {
        if (!count.is_number_integer()) continue;
        by_status[status] = by_status.value(status, std::int64_t{0}) + count.get<std::int64_t>();
      }
    }
    if (auto cents = node.body.find("confirmed_revenue_cents");
        cents != node.body.end() && cents->is_number_integer())
      revenue += cents->get<std::int64_t>();
    if (auto position = node.body.find("position");
        position != node.body.end() && position->is_number_unsigned())
      positions += (positions.empty() ? "" : ",") + node.node + ":p" +
                   std::to_string(position->get<std::uint64_t>());
  }
  return {{"orders_by_status", std::move(by_status)},
          {"confirmed_revenue_cents", saturated(revenue)},
          {"position", positions}};
}

}  // namespace ordo::readmodel
