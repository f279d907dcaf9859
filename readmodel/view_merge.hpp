// Merges the answers of several nodes' views into one (a cluster's GET /v1/views/orders and
// /v1/views/stats): each node projects only its own journal, so a listing or a count over the
// whole cluster is the merge of every node's. Pure functions over the API's JSON shapes.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ordo::readmodel {

// One node's answer: its member id and the body it answered.
struct node_view {
  std::string node;
  nlohmann::json body;
};

// Pages of list_orders ({"orders", "next"}) of the same query from every node, merged into one
// page of at most `limit` orders in order id order. A node's page covers every order id up to its
// "next" (all of them when "next" is null); the merged page holds only ids every node covered, so
// its cursor, the last order id it covered, is a cursor of every node's listing: no order is
// skipped or shown twice while paging. Pages in another shape are skipped (the caller checked).
nlohmann::json merge_order_pages(const std::vector<node_view>& pages, std::size_t limit);

// Stats ({"orders_by_status", "confirmed_revenue_cents", "position"}) of every node, merged:
// counts and revenue summed (revenue exactly, saturated at int64's range), and "position" the
// consistency token of every node's position ("n1:p5,n2:p9"): opaque, naming each node.
nlohmann::json merge_stats(const std::vector<node_view>& stats);

}  // namespace ordo::readmodel
