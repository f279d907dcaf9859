// A cluster's listing and stats: every node's answer merged into one.
#include "readmodel/view_merge.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>

namespace ordo::readmodel {
namespace {

using json = nlohmann::json;

json page(std::vector<std::string> ids, std::optional<std::string> next) {
  json orders = json::array();
  for (auto& id : ids) orders.push_back({{"order_id", id}, {"status", "draft"}});
  return {{"orders", orders}, {"next", next ? json(*next) : json(nullptr)}};
}

std::vector<std::string> ids_of(const json& merged) {
  std::vector<std::string> ids;
  for (const auto& o : merged["orders"]) ids.push_back(o["order_id"]);
  return ids;
}

TEST(MergeOrderPages, InterleavesEveryNodesOrdersInOrderIdOrder) {
  auto merged = merge_order_pages(
      {{"n1", page({"a", "d"}, std::nullopt)}, {"n2", page({"b", "c", "e"}, std::nullopt)}}, 10);
  EXPECT_EQ(ids_of(merged), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_TRUE(merged["next"].is_null());
}

TEST(MergeOrderPages, AFullPageEndsAtItsLastOrder) {
  auto merged = merge_order_pages(
      {{"n1", page({"a", "d"}, std::nullopt)}, {"n2", page({"b", "c", "e"}, std::nullopt)}}, 3);
  EXPECT_EQ(ids_of(merged), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(merged["next"], "c");
}

TEST(MergeOrderPages, ExactlyAFullPageOfEverythingHasNoNext) {
  auto merged = merge_order_pages(
      {{"n1", page({"a"}, std::nullopt)}, {"n2", page({"b"}, std::nullopt)}}, 2);
  EXPECT_EQ(ids_of(merged), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(merged["next"].is_null());
}

TEST(MergeOrderPages, HoldsOnlyIdsEveryNodeCovered) {
  // n1 stopped at "c" (its page was full, or it read as much as one call may): an order of n2
  // after "c" could come after n1's next orders, so it waits for the next page.
  auto merged = merge_order_pages(
      {{"n1", page({"a", "c"}, "c")}, {"n2", page({"b", "x"}, std::nullopt)}}, 10);
  EXPECT_EQ(ids_of(merged), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(merged["next"], "c");
  // A node that scanned without a match still bounds the page.
  merged = merge_order_pages({{"n1", page({}, "m")}, {"n2", page({"b", "x"}, std::nullopt)}}, 10);
  EXPECT_EQ(ids_of(merged), (std::vector<std::string>{"b"}));
  EXPECT_EQ(merged["next"], "m");
}

TEST(MergeOrderPages, PagingThroughTheMergeShowsEveryOrderOnce) {
  // Three nodes' views; each page asks every node for `limit` after the cursor, as the API does.
  std::vector<std::vector<std::string>> views{
      {"a1", "a4", "a7", "b2"}, {"a2", "a5", "a8", "b0", "b1"}, {"a3", "a6"}};
  const std::size_t limit = 2;
  std::optional<std::string> cursor;
  std::vector<std::string> seen;
  for (int round = 0; round < 20; ++round) {
    std::vector<node_view> pages;
    for (std::size_t n = 0; n < views.size(); ++n) {
      std::vector<std::string> ids;
      for (auto& id : views[n])
        if (!cursor || id > *cursor) ids.push_back(id);
      std::optional<std::string> next;
      if (ids.size() > limit) {
        ids.resize(limit);
        next = ids.back();
      }
      pages.push_back({"n" + std::to_string(n + 1), page(ids, next)});
    }
    auto merged = merge_order_pages(pages, limit);
    EXPECT_LE(merged["orders"].size(), limit);
    for (auto& id : ids_of(merged)) seen.push_back(id);
    if (merged["next"].is_null()) break;
    cursor = merged["next"].get<std::string>();
  }
  std::vector<std::string> all;
  for (auto& v : views) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(seen, all);
}

TEST(MergeStats, SumsCountsAndRevenueAndNamesEveryNodesPosition) {
  json n1 = {{"orders_by_status", {{"draft", 2}, {"confirmed", 1}}},
             {"confirmed_revenue_cents", 500},
             {"position", 7u}};
  json n2 = {{"orders_by_status", {{"draft", 1}, {"rejected", 3}}},
             {"confirmed_revenue_cents", 250},
             {"position", 0u}};
  auto merged = merge_stats({{"n1", n1}, {"n2", n2}});
  EXPECT_EQ(merged["orders_by_status"]["draft"], 3);
  EXPECT_EQ(merged["orders_by_status"]["confirmed"], 1);
  EXPECT_EQ(merged["orders_by_status"]["rejected"], 3);
  EXPECT_EQ(merged["confirmed_revenue_cents"], 750);
  EXPECT_EQ(merged["position"], "n1:p7,n2:p0");
}

TEST(MergeStats, RevenueSaturatesInsteadOfWrapping) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  json big = {{"orders_by_status", json::object()},
              {"confirmed_revenue_cents", max - 1},
              {"position", 1u}};
  auto merged = merge_stats({{"n1", big}, {"n2", big}});
  EXPECT_EQ(merged["confirmed_revenue_cents"], max);
}

}  // namespace
}  // namespace ordo::readmodel
