// to_json: the API's shapes of an order, a sku's stock and a payment.
#include <gtest/gtest.h>

#include "given_when_then.hpp"
#include "order_fixtures.hpp"

namespace ordo::domain::testing {
namespace {

using nlohmann::json;

TEST(StateJson, OrderHasTheApiShape) {
  order::state s;
  order_decider::evolve(s, order_created_event(), 1'795'430'520'123);
  order_decider::evolve(s, item_added_event("w1", 2, 500), 1'795'430'520'123);
  order_decider::evolve(s, item_added_event("w2", 1, 250), 1'795'430'580'000);
  EXPECT_EQ(order_decider::to_json(s), json::parse(R"({
    "order_id": "o1", "customer_id": "c1", "status": "draft",
    "items": [{"sku": "w1", "quantity": 2, "unit_price_cents": 500},
              {"sku": "w2", "quantity": 1, "unit_price_cents": 250}],
    "total_cents": 1250,
    "created_at": "2026-11-23T10:42:00.123Z", "updated_at": "2026-11-23T10:43:00.000Z"})"));
}

TEST(StateJson, OrderShowsReasonAndShippingOnlyWhenPresent) {
  order::state s;
  order_decider::evolve(
      s, order::order_created{"o1", "c1", order::shipping_details{"Ada", "a@b.c", "1 Loop Rd"}}, 0);
  order_decider::evolve(s, order::order_cancelled{"o1", "late", order::order_status::draft}, 0);
  const json j = order_decider::to_json(s);
  EXPECT_EQ(j["status"], "cancelled");
  EXPECT_EQ(j["reason"], "late");
  EXPECT_EQ(j["shipping"], json::parse(R"({"name":"Ada","email":"a@b.c","address":"1 Loop Rd"})"));
  EXPECT_FALSE(j.contains("version"));  // the caller adds it
  const json draft = order_decider::to_json(order::state{.order_id = "o2"});
  EXPECT_FALSE(draft.contains("reason"));
  EXPECT_FALSE(draft.contains("shipping"));
  EXPECT_EQ(draft["items"], json::array());
}

TEST(StateJson, StockShowsAvailable) {
  stock::state s;
  stock_decider::evolve(s, stock::restocked{"w1", 10}, 0);
  stock_decider::evolve(s, stock::stock_reserved{"w1", "o1", 4}, 0);
  EXPECT_EQ(stock_decider::to_json(s),
            json::parse(R"({"sku":"w1","on_hand":10,"reserved":4,"available":6})"));
}

TEST(StateJson, PaymentShowsTheTokenOnlyWhenKnown) {
  EXPECT_EQ(payment_decider::to_json({"o1", payment::payment_status::authorized, 1000, "tok_ok"}),
            json::parse(
                R"({"order_id":"o1","status":"authorized","amount_cents":1000,"token":"tok_ok"})"));
  EXPECT_FALSE(payment_decider::to_json({}).contains("token"));
}

TEST(StateJson, ExistsIsFalseUntilTheFirstEvent) {
  EXPECT_FALSE(order_decider::exists({}));
  EXPECT_FALSE(stock_decider::exists({}));
  EXPECT_FALSE(payment_decider::exists({}));
  stock::state s;
  stock_decider::evolve(s, stock::restocked{"w1", 1}, 0);
  EXPECT_TRUE(stock_decider::exists(s));
}

}  // namespace
}  // namespace ordo::domain::testing
