// The projections as plain code over a real database: what each view shows after order
// histories, how listings page, and that no event counts twice.
#include <gtest/gtest.h>

#include <limits>

#include "domain/time_format.hpp"
#include "projections_support.hpp"
#include "readmodel/projections/order_stats.hpp"
#include "readmodel/projections/order_summary.hpp"
#include "readmodel/projections/order_view.hpp"
#include "readmodel/projections/orders_by_customer.hpp"
#include "readmodel/view_queries.hpp"

namespace ordo::readmodel::testing {
namespace {

using nlohmann::json;
using order::order_status;

class ProjectionViews : public projection_db_test {
 protected:
  // Feeds the history's new events to all three projections.
  void feed_all(order_history& history) {
    auto events = history.take();
    feed(summary_, events);
    feed(by_customer_, events);
    feed(stats_, events);
  }

  json summary(const std::string& id) {
    auto found = get_order_summary(kv(), id);
    EXPECT_TRUE(found) << found.error().message;
    return found && *found ? **found : json();
  }

  order_page list(order_list_query query) {
    auto page = list_orders(kv(), query);
    EXPECT_TRUE(page) << page.error().message;
    return page ? *page : order_page{};
  }

  std::vector<std::string> ids(const order_page& page) {
    std::vector<std::string> out;
    for (auto& s : page.orders) out.push_back(s["order_id"]);
    return out;
  }

  json stats() {
    auto figures = get_stats(kv());
    EXPECT_TRUE(figures) << figures.error().message;
    return figures ? *figures : json();
  }

  projections::order_summary summary_;
  projections::orders_by_customer by_customer_;
  projections::order_stats stats_;
};

TEST_F(ProjectionViews, SummaryShowsStatusUnitsTotalVersionAndLastChange) {
  order_history history;
  history.create("o1", "c1");
  history.add_item("o1", "apple", 2, 150);
  history.add_item("o1", "pear", 1, 400);
  history.add_item("o1", "apple", 1, 150);
  history.place("o1");
  feed_all(history);
  EXPECT_EQ(summary("o1"), (json{{"order_id", "o1"},
                                 {"customer_id", "c1"},
                                 {"status", "placed"},
                                 {"item_count", 4},
                                 {"total_cents", 850},
                                 {"version", 5},
                                 {"updated_at", domain::format_rfc3339(history.last_time())}}));
}

TEST_F(ProjectionViews, RemovedItemsLeaveTheSummary) {
  order_history history;
  history.create("o1", "c1");
  history.add_item("o1", "apple", 2, 150);
  history.add_item("o1", "pear", 1, 400);
  feed_all(history);
  history.remove_item("o1", "apple");
  feed_all(history);
  EXPECT_EQ(summary("o1")["item_count"], 1);
  EXPECT_EQ(summary("o1")["total_cents"], 400);
  EXPECT_EQ(summary("o1")["version"], 4);
}

TEST_F(ProjectionViews, UnknownOrderHasNoSummary) {
  auto found = get_order_summary(kv(), "nope");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  auto invalid = get_order_summary(kv(), "../etc");
  ASSERT_TRUE(invalid);
  EXPECT_FALSE(*invalid);
}

TEST_F(ProjectionViews, OtherStreamsAreIgnoredButAdvanceTheCheckpoint) {
  order_history history;
  history.other_stream("stock-apple");
  history.other_stream("payment-o1");
  feed_all(history);
  EXPECT_TRUE(list({}).orders.empty());
  EXPECT_EQ(stats()["position"], 2);
  auto at = load_checkpoint(kv(), "order_summary");
  ASSERT_TRUE(at);
  EXPECT_EQ(at->position, 2u);
  EXPECT_EQ(*kv().get("checkpoint/order_summary"), std::optional<std::string>("2"));
}

TEST_F(ProjectionViews, RowsStayUnderTheProjectionsPrefixes) {
  order_history history;
  history.create("o1", "c1");
  history.place("o1");
  feed_all(history);
  auto everything = kv().scan("", {}, 1000);
  ASSERT_TRUE(everything);
  for (auto& [key, value] : *everything)
    EXPECT_TRUE(key.starts_with("view/order_summary/") ||
                key.starts_with("view/orders_by_customer/") || key.starts_with("view/stats/") ||
                key.starts_with("checkpoint/"))
        << key;
}

TEST_F(ProjectionViews, ViewRowsKeepNoPersonalData) {
  // An order created with shipping details: no view row may hold them in clear.
  persistence::recorded_event created;
  static_cast<persistence::event_data&>(created) = order_event_data(
      order::order_created{"o1", "c1", order::shipping_details{"Ada", "ada@x.org", "1 Lane"}},
      history_start_ms);
  created.stream = "order-o1";
  created.version = 1;
  created.position = 1;
  feed(summary_, {created});
  feed(by_customer_, {created});
  auto rows = kv().scan("view/", {}, 1000);
  ASSERT_TRUE(rows);
  ASSERT_FALSE(rows->empty());
  for (auto& [key, value] : *rows) EXPECT_EQ(value.find("ada@x.org"), std::string::npos) << key;
}

TEST_F(ProjectionViews, CustomerListingShowsOnlyThatCustomersOrdersInIdOrder) {
  order_history history;
  for (auto id : {"o3", "o1", "o2"}) history.create(id, "c1");
  history.create("o4", "c10");
  history.create("o5", "c2");
  feed_all(history);
  EXPECT_EQ(ids(list({.customer_id = "c1"})), (std::vector<std::string>{"o1", "o2", "o3"}));
  EXPECT_EQ(ids(list({.customer_id = "c10"})), (std::vector<std::string>{"o4"}));
  EXPECT_TRUE(list({.customer_id = "nobody"}).orders.empty());
  EXPECT_EQ(ids(list({})), (std::vector<std::string>{"o1", "o2", "o3", "o4", "o5"}));
}

TEST_F(ProjectionViews, CustomerListingShowsTheSameSummaryAsTheOrderView) {
  order_history history;
  history.create("o1", "c1");
  history.add_item("o1", "apple", 3, 100);
  history.place("o1");
  history.confirm("o1");
  feed_all(history);
  auto page = list({.customer_id = "c1"});
  ASSERT_EQ(page.orders.size(), 1u);
  EXPECT_EQ(page.orders[0], summary("o1"));
  EXPECT_EQ(page.orders[0]["status"], "confirmed");
}

TEST_F(ProjectionViews, PagesFollowCursorsToTheEnd) {
  order_history history;
  for (int i = 0; i < 7; ++i) history.create("o" + std::to_string(i), "c1");
  feed_all(history);
  for (bool by_customer : {false, true}) {
    order_list_query query{.limit = 3};
    if (by_customer) query.customer_id = "c1";
    auto first = list(query);
    EXPECT_EQ(ids(first), (std::vector<std::string>{"o0", "o1", "o2"}));
    ASSERT_EQ(first.next, std::optional<std::string>("o2"));
    query.after = first.next;
    auto second = list(query);
    EXPECT_EQ(ids(second), (std::vector<std::string>{"o3", "o4", "o5"}));
    query.after = second.next;
    auto last = list(query);
    EXPECT_EQ(ids(last), (std::vector<std::string>{"o6"}));
    EXPECT_EQ(last.next, std::nullopt);
    EXPECT_EQ(last.to_json()["next"], nullptr);
  }
}

TEST_F(ProjectionViews, AFullLastPageHasNoNextCursor) {
  order_history history;
  for (auto id : {"a", "b"}) history.create(id, "c1");
  feed_all(history);
  auto page = list({.limit = 2});
  EXPECT_EQ(ids(page), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(page.next, std::nullopt);
}

TEST_F(ProjectionViews, PagingIsStableWhileOrdersAreAdded) {
  order_history history;
  for (auto id : {"b", "d", "f", "h"}) history.create(id, "c1");
  feed_all(history);
  auto first = list({.customer_id = "c1", .limit = 2});
  EXPECT_EQ(ids(first), (std::vector<std::string>{"b", "d"}));
  // New orders on both sides of the cursor: none repeats, none after the cursor is missed.
  for (auto id : {"a", "c", "e", "g"}) history.create(id, "c1");
  feed_all(history);
  auto rest = list({.customer_id = "c1", .limit = 10, .after = first.next});
  EXPECT_EQ(ids(rest), (std::vector<std::string>{"e", "f", "g", "h"}));
}

TEST_F(ProjectionViews, StatusFilterWithAndWithoutCustomer) {
  order_history history;
  for (auto id : {"o1", "o2", "o3", "o4"})
    history.create(id, id == std::string("o4") ? "c2" : "c1");
  for (auto id : {"o2", "o3", "o4"}) {
    history.add_item(id, "apple", 1, 100);
    history.place(id);
  }
  history.confirm("o3");
  feed_all(history);
  EXPECT_EQ(ids(list({.status = "placed"})), (std::vector<std::string>{"o2", "o4"}));
  EXPECT_EQ(ids(list({.customer_id = "c1", .status = "placed"})), (std::vector<std::string>{"o2"}));
  EXPECT_EQ(ids(list({.customer_id = "c1", .status = "draft"})), (std::vector<std::string>{"o1"}));
  EXPECT_TRUE(list({.status = "shipped"}).orders.empty());
  auto page = list({.status = "placed", .limit = 1});
  EXPECT_EQ(ids(page), (std::vector<std::string>{"o2"}));
  ASSERT_EQ(page.next, std::optional<std::string>("o2"));
  auto rest = list({.status = "placed", .limit = 1, .after = page.next});
  EXPECT_EQ(ids(rest), (std::vector<std::string>{"o4"}));
  EXPECT_EQ(rest.next, std::nullopt);
}

TEST_F(ProjectionViews, RareStatusScanIsBoundedAndResumable) {
  order_history history;
  for (std::size_t i = 0; i < max_rows_scanned + 5; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "o%06zu", i);
    history.create(id, "c1");
  }
  history.add_item("o010003", "apple", 1, 100);
  history.place("o010003");
  feed_all(history);
  auto first = list({.status = "placed"});
  EXPECT_TRUE(first.orders.empty());
  ASSERT_TRUE(first.next);  // gave up after max_rows_scanned rows, with a cursor to go on
  auto second = list({.status = "placed", .after = first.next});
  EXPECT_EQ(ids(second), (std::vector<std::string>{"o010003"}));
  EXPECT_EQ(second.next, std::nullopt);
}

TEST_F(ProjectionViews, BadListingQueriesAreInvalidArguments) {
  for (auto query : {order_list_query{.limit = 0}, order_list_query{.limit = max_list_limit + 1},
                     order_list_query{.status = "lost"}, order_list_query{.status = "none"},
                     order_list_query{.after = "a/b"}, order_list_query{.customer_id = "c/1"}}) {
    auto page = list_orders(kv(), query);
    ASSERT_FALSE(page);
    EXPECT_EQ(page.error().code, persistence::storage_errc::invalid_argument);
  }
}

TEST_F(ProjectionViews, StatsStartAtZeroWithEveryStatus) {
  EXPECT_EQ(stats(), (json{{"orders_by_status",
                            {{"draft", 0},
                             {"placed", 0},
                             {"confirmed", 0},
                             {"shipped", 0},
                             {"cancelled", 0},
                             {"rejected", 0}}},
                           {"confirmed_revenue_cents", 0},
                           {"position", 0}}));
}

TEST_F(ProjectionViews, StatsFollowAnOrderFromDraftToShipped) {
  order_history history;
  history.create("o1", "c1");
  history.add_item("o1", "apple", 2, 500);
  feed_all(history);
  EXPECT_EQ(stats()["orders_by_status"]["draft"], 1);
  history.place("o1");
  feed_all(history);
  EXPECT_EQ(stats()["orders_by_status"]["draft"], 0);
  EXPECT_EQ(stats()["orders_by_status"]["placed"], 1);
  EXPECT_EQ(stats()["confirmed_revenue_cents"], 0);
  history.confirm("o1");
  feed_all(history);
  EXPECT_EQ(stats()["orders_by_status"]["placed"], 0);
  EXPECT_EQ(stats()["orders_by_status"]["confirmed"], 1);
  EXPECT_EQ(stats()["confirmed_revenue_cents"], 1000);
  history.ship("o1");
  feed_all(history);
  EXPECT_EQ(stats()["orders_by_status"]["confirmed"], 0);
  EXPECT_EQ(stats()["orders_by_status"]["shipped"], 1);
  EXPECT_EQ(stats()["confirmed_revenue_cents"], 1000);
  EXPECT_EQ(stats()["position"], 5);
}

TEST_F(ProjectionViews, StatsTakeCancelledAndRejectedOrdersOutOfTheirStatus) {
  order_history history;
  for (auto id : {"d", "p", "c", "r", "s"}) {
    history.create(id, "c1");
    history.add_item(id, "apple", 1, 100);
  }
  for (auto id : {"p", "c", "r", "s"}) history.place(id);
  for (auto id : {"c", "s"}) history.confirm(id);
  history.ship("s");
  feed_all(history);
  EXPECT_EQ(stats()["orders_by_status"], (json{{"draft", 1},
                                               {"placed", 2},
                                               {"confirmed", 1},
                                               {"shipped", 1},
                                               {"cancelled", 0},
                                               {"rejected", 0}}));
  EXPECT_EQ(stats()["confirmed_revenue_cents"], 200);
  history.cancel("d", order_status::draft);
  history.cancel("p", order_status::placed);
  history.cancel("c", order_status::confirmed);
  history.reject("r");
  feed_all(history);
  EXPECT_EQ(stats()["orders_by_status"], (json{{"draft", 0},
                                               {"placed", 0},
                                               {"confirmed", 0},
                                               {"shipped", 1},
                                               {"cancelled", 3},
                                               {"rejected", 1}}));
  EXPECT_EQ(stats()["confirmed_revenue_cents"], 100);  // only the shipped order still counts
}

// Orders recorded before the total cap (or imported) may carry any int64 total: the revenue sum
// never overflows, the API's figure saturates, and the exact sum survives a restart.
TEST_F(ProjectionViews, StatsRevenueSaturatesAndComesBackExactly) {
  constexpr std::int64_t huge_price = 1'000'000'000'000'000'000;  // x 4: 4 * 10^18 per order
  order_history history;
  for (auto id : {"a", "b", "c"}) {
    history.create(id, "c1");
    history.add_item(id, "gold", 4, huge_price);
    history.place(id);
    history.confirm(id);
  }
  feed_all(history);
  EXPECT_EQ(stats()["orders_by_status"]["confirmed"], 3);
  EXPECT_EQ(stats()["confirmed_revenue_cents"], std::numeric_limits<std::int64_t>::max());
  auto row = kv().get(projections::order_stats::totals_key);
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(json::parse(**row)["confirmed_revenue_cents_exact"], "12000000000000000000");

  // A new projection instance (a restarted node) reads the exact sum back from its row.
  projections::order_stats restarted;
  history.cancel("b", order_status::confirmed);
  feed(restarted, history.take());
  EXPECT_EQ(stats()["confirmed_revenue_cents"], 2 * 4 * huge_price);
  history.cancel("c", order_status::confirmed);
  feed(restarted, history.take());
  EXPECT_EQ(stats()["confirmed_revenue_cents"], 4 * huge_price);
  row = kv().get(projections::order_stats::totals_key);
  ASSERT_TRUE(row && *row);
  EXPECT_FALSE(json::parse(**row).contains("confirmed_revenue_cents_exact"));
}

TEST_F(ProjectionViews, ManyEventsOfOneOrderInOneBatchReadTheirOwnWrites) {
  order_history history;
  history.create("o1", "c1");
  for (int i = 0; i < 20; ++i) history.add_item("o1", "sku" + std::to_string(i % 3), 1, 10);
  history.place("o1");
  history.confirm("o1");
  feed_all(history);
  EXPECT_EQ(summary("o1")["item_count"], 20);
  EXPECT_EQ(summary("o1")["version"], 23);
  EXPECT_EQ(stats()["orders_by_status"]["confirmed"], 1);
  EXPECT_EQ(stats()["orders_by_status"]["draft"], 0);
  EXPECT_EQ(stats()["confirmed_revenue_cents"], 200);
}

// GET /v1/views/orders/{id} answers the summary's text straight from the row; it must be the
// bytes the DOM path dumps, for every row the projection writes and for rows of another form.
TEST_F(ProjectionViews, TheSummaryTextIsWhatTheSummaryDumpsTo) {
  projections::order_view placed;
  placed.state.order_id = "o1";
  placed.state.customer_id = "c-7";
  placed.state.status = order_status::placed;
  placed.state.items = {{"apple", 2, 150}};
  placed.state.created_at = 1'700'000'000'000;
  placed.state.updated_at = 1'700'000'004'321;
  placed.version = 3;
  auto tricky = placed;  // a reason that looks like the row's own summary member
  tricky.state.order_id = "o2";
  tricky.state.status = order_status::cancelled;
  tricky.state.reason = R"(x","summary":{"order_id":"forged"}})";
  auto empty = placed;
  empty.state.order_id = "o3";
  empty.state.items.clear();
  for (auto& view : {placed, tricky, empty})
    ASSERT_TRUE(kv().put(projections::order_summary::row_key(view.state.order_id),
                         projections::encode_order_view(view)));
  // Rows of other forms: summary first, whitespace, a nested value inside the summary.
  auto row = json::parse(projections::encode_order_view(placed));
  ASSERT_TRUE(kv().put(
      projections::order_summary::row_key("o4"),
      R"({"summary":)" + row["summary"].dump() + R"(,"order":)" + row["order"].dump() + "}"));
  ASSERT_TRUE(kv().put(projections::order_summary::row_key("o5"), row.dump(2)));
  row["summary"]["extra"] = json::array({1, 2});
  ASSERT_TRUE(kv().put(projections::order_summary::row_key("o6"), row.dump()));

  for (std::string id : {"o1", "o2", "o3", "o4", "o5", "o6"}) {
    auto text = get_order_summary_text(kv(), id);
    ASSERT_TRUE(text && *text) << id;
    EXPECT_EQ(**text, summary(id).dump()) << id;
  }
  EXPECT_EQ(json::parse(**get_order_summary_text(kv(), "o2"))["order_id"], "o2");
  EXPECT_EQ(*get_order_summary_text(kv(), "nope"), std::nullopt);
  EXPECT_EQ(*get_order_summary_text(kv(), "../etc"), std::nullopt);
  ASSERT_TRUE(kv().put(projections::order_summary::row_key("o7"), "{\"order\":1,\"summary\":{"));
  EXPECT_FALSE(get_order_summary_text(kv(), "o7"));
}

}  // namespace
}  // namespace ordo::readmodel::testing
