// Order: creation, items and placing.
#include <gtest/gtest.h>

#include "domain/order_total.hpp"
#include "given_when_then.hpp"
#include "order_fixtures.hpp"

namespace ordo::domain::testing {
namespace {

using namespace order;
using ::testing::ElementsAre;

template <class... Parts>
scenario<order_decider> given(Parts&&... parts) {
  return given_for<order_decider>(std::forward<Parts>(parts)...);
}

// --- create ---

TEST(OrderDecider, CreateEmitsOrderCreated) {
  auto s = given().when(create{"o1", "c1", {}, std::nullopt}).then(order_created_event());
  EXPECT_EQ(s.and_state().status, order_status::draft);
  EXPECT_EQ(s.and_state().created_at, command_time);
}

TEST(OrderDecider, CreateWithItemsEmitsItemAddedPerItem) {
  given()
      .when(create{"o1", "c1", {{"w1", 2, 500}, {"w2", 1, 250}}, std::nullopt})
      .then(order_created_event(), item_added_event("w1", 2, 500), item_added_event("w2", 1, 250));
}

TEST(OrderDecider, CreateWithShippingRecordsIt) {
  const shipping_details ship_to{"Ada", "ada@example.com", "1 Loop Rd"};
  auto s = given().when(create{"o1", "c1", {}, ship_to}).then(order_created{"o1", "c1", ship_to});
  EXPECT_EQ(s.and_state().shipping, ship_to);
}

TEST(OrderDecider, CreateMergesARepeatedSkuOfTheInitialItems) {
  auto s = given()
               .when(create{"o1", "c1", {{"w1", 2, 500}, {"w1", 3, 500}}, std::nullopt})
               .then(order_created_event(), item_added_event("w1", 2, 500),
                     item_added_event("w1", 3, 500));
  EXPECT_THAT(s.and_state().items, ElementsAre(line_item{"w1", 5, 500}));
}

TEST(OrderDecider, CreateWithTwoPricesForOneSkuIsInvalidState) {
  const error e = given()
                      .when(create{"o1", "c1", {{"w1", 2, 500}, {"w1", 3, 400}}, std::nullopt})
                      .then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "draft");
}

TEST(OrderDecider, CreateWithMergedQuantityOverTheLimitNamesTheLaterItem) {
  const error e =
      given()
          .when(create{"o1", "c1", {{"w1", 6000, 500}, {"w1", 4001, 500}}, std::nullopt})
          .then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("items[1].quantity"));
}

TEST(OrderDecider, CreateWith101DistinctSkusIsInvalidState) {
  std::vector<line_item> items;
  for (int i = 0; i <= 100; ++i) items.push_back({"sku" + std::to_string(i), 1, 100});
  const error e =
      given().when(create{"o1", "c1", items, std::nullopt}).then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "draft");
  items.pop_back();
  EXPECT_TRUE(order_decider::decide({}, create{"o1", "c1", items, std::nullopt}, command_time));
}

TEST(OrderDecider, CreateOnAnExistingOrderIsAlreadyExists) {
  given(order_created_event())
      .when(create{"o1", "c1", {}, std::nullopt})
      .then_error(error_code::already_exists);
}

TEST(OrderDecider, CreateListsEveryBadField) {
  const error e = given()
                      .when(create{"", "-c1", {{"bad sku", 0, 500}, {"w2", 1, 0}}, std::nullopt})
                      .then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("order_id", "customer_id", "items[0].sku",
                                        "items[0].quantity", "items[1].unit_price_cents"));
}

TEST(OrderDecider, CreateWithIncompleteShippingNamesEachField) {
  const error e = given()
                      .when(create{"o1", "c1", {}, shipping_details{"", "no-at-sign", ""}})
                      .then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("shipping.name", "shipping.email", "shipping.address"));
}

// --- add_item ---

TEST(OrderDecider, AddItemStartsANewLine) {
  auto s = given(order_created_event())
               .when(add_item{"w1", 2, 500})
               .then(item_added_event("w1", 2, 500));
  EXPECT_THAT(s.and_state().items, ElementsAre(line_item{"w1", 2, 500}));
}

TEST(OrderDecider, AddItemOfAKnownSkuAddsToItsQuantity) {
  auto s = given(draft_history()).when(add_item{"w1", 3, 500}).then(item_added_event("w1", 3, 500));
  EXPECT_THAT(s.and_state().items, ElementsAre(line_item{"w1", 5, 500}));
}

TEST(OrderDecider, AddItemOfAKnownSkuAtAnotherPriceIsInvalidState) {
  const error e =
      given(draft_history()).when(add_item{"w1", 1, 499}).then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "draft");
}

TEST(OrderDecider, AddItemUpToTheQuantityLimitIsAccepted) {
  given(draft_history()).when(add_item{"w1", 9998, 500}).then(item_added_event("w1", 9998, 500));
}

TEST(OrderDecider, AddItemMergedOverTheQuantityLimitIsValidationFailed) {
  const error e = given(draft_history())
                      .when(add_item{"w1", 9999, 500})
                      .then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("quantity"));
}

TEST(OrderDecider, AddItemQuantityOutsideOneToTenThousandIsValidationFailed) {
  for (std::int64_t quantity : {0, -1, 10'001}) {
    const error e = given(order_created_event())
                        .when(add_item{"w1", quantity, 500})
                        .then_error(error_code::validation_failed);
    EXPECT_THAT(fields_of(e), ElementsAre("quantity")) << quantity;
  }
  given(order_created_event())
      .when(add_item{"w1", 10'000, 500})
      .then(item_added_event("w1", 10'000, 500));
}

TEST(OrderDecider, AddItemPriceOutsideOneCentToTenMillionDollarsIsValidationFailed) {
  for (std::int64_t price : {0, -5, 1'000'000'001}) {
    const error e = given(order_created_event())
                        .when(add_item{"w1", 1, price})
                        .then_error(error_code::validation_failed);
    EXPECT_THAT(fields_of(e), ElementsAre("unit_price_cents")) << price;
  }
  given(order_created_event())
      .when(add_item{"w1", 1, 1'000'000'000})
      .then(item_added_event("w1", 1, 1'000'000'000));
}

TEST(OrderDecider, AddItemListsEveryBadField) {
  const error e = given(order_created_event())
                      .when(add_item{"w 1", 0, 0})
                      .then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("sku", "quantity", "unit_price_cents"));
}

TEST(OrderDecider, AddingThe101stDistinctSkuIsInvalidState) {
  std::vector<event> history{order_created_event()};
  for (int i = 0; i < 99; ++i)
    history.push_back(item_added_event("sku" + std::to_string(i), 1, 100));
  given(history).when(add_item{"sku99", 1, 100}).then(item_added_event("sku99", 1, 100));
  history.push_back(item_added_event("sku99", 1, 100));
  const error e =
      given(history).when(add_item{"sku100", 1, 100}).then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "draft");
  // A sku already in the order still merges at the limit.
  given(history).when(add_item{"sku0", 1, 100}).then(item_added_event("sku0", 1, 100));
}

TEST(OrderDecider, AddItemThatTakesTheTotalOverItsCapIsInvalidState) {
  // 98 lines of 10^10 cents: 2 * 10^10 under the cap.
  std::vector<event> history{order_created_event()};
  for (int i = 0; i < 98; ++i)
    history.push_back(item_added_event("sku" + std::to_string(i), 10, 1'000'000'000));
  // Up to the cap exactly is accepted.
  given(history)
      .when(add_item{"last", 20, 1'000'000'000})
      .then(item_added_event("last", 20, 1'000'000'000));
  history.push_back(item_added_event("last", 20, 1'000'000'000));
  const error e = given(history).when(add_item{"more", 1, 1}).then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "draft");
  EXPECT_NE(e.message.find("over the cap of 1000000000000"), std::string::npos) << e.message;
  // Also when the cent comes from a sku already in the order.
  given(history).when(add_item{"sku0", 1, 1'000'000'000}).then_error(error_code::invalid_state);
}

TEST(OrderDecider, CreateWithItemsOverTheTotalCapIsInvalidState) {
  given()
      .when(create{"o1", "c1", {{"w1", 10'000, 1'000'000'000}}, std::nullopt})
      .then_error(error_code::invalid_state);
  std::vector<line_item> at_cap{{"w1", 1'000, 1'000'000'000}};
  EXPECT_EQ(total_cents(at_cap), max_order_total_cents);
  EXPECT_TRUE(order_decider::decide({}, create{"o1", "c1", at_cap, std::nullopt}, command_time));
}

TEST(OrderDecider, AddItemToAShippedOrderIsInvalidState) {
  const error e = given(history_in(order_status::shipped))
                      .when(add_item{"w2", 1, 100})
                      .then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "shipped");
}

TEST(OrderDecider, AddItemWithBadFieldsToAPlacedOrderIsValidationFailedFirst) {
  given(history_in(order_status::placed))
      .when(add_item{"w2", 0, 100})
      .then_error(error_code::validation_failed);
}

TEST(OrderDecider, AddItemToAnUnknownOrderIsNotFound) {
  given().when(add_item{"w1", 1, 100}).then_error(error_code::not_found);
}

// --- remove_item ---

TEST(OrderDecider, RemoveItemDropsTheWholeLine) {
  auto s = given(draft_history(), item_added_event("w2", 1, 100))
               .when(remove_item{"w1"})
               .then(item_removed{"o1", "w1"});
  EXPECT_THAT(s.and_state().items, ElementsAre(line_item{"w2", 1, 100}));
}

TEST(OrderDecider, RemoveItemOfASkuNotInTheOrderIsNotFound) {
  given(draft_history()).when(remove_item{"w9"}).then_error(error_code::not_found);
}

TEST(OrderDecider, RemoveItemWithABadSkuIsValidationFailed) {
  const error e =
      given(draft_history()).when(remove_item{""}).then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("sku"));
}

TEST(OrderDecider, RemoveItemFromAPlacedOrderIsInvalidState) {
  const error e = given(history_in(order_status::placed))
                      .when(remove_item{"w1"})
                      .then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "placed");
}

// --- place ---

TEST(OrderDecider, PlaceRecordsItemsTotalAndToken) {
  auto s =
      given(draft_history(), item_added_event("w2", 3, 125))
          .when(place{"tok_decline"})
          .then(order_placed{"o1", "c1", {{"w1", 2, 500}, {"w2", 3, 125}}, 1375, "tok_decline"});
  EXPECT_EQ(s.and_state().status, order_status::placed);
  EXPECT_EQ(s.and_state().payment_token, "tok_decline");
}

TEST(OrderDecider, PlaceAcceptsEveryKnownToken) {
  for (std::string_view token : payment::tokens) {
    EXPECT_TRUE(order_decider::decide(given(draft_history()).before(), place{std::string(token)},
                                      command_time))
        << token;
  }
}

TEST(OrderDecider, PlaceWithAnUnknownTokenNamesPaymentToken) {
  const error e =
      given(draft_history()).when(place{"tok_maybe"}).then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("payment_token"));
}

TEST(OrderDecider, PlaceWithoutItemsIsInvalidState) {
  const error e =
      given(order_created_event()).when(place{"tok_ok"}).then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "draft");
}

TEST(OrderDecider, PlaceAfterRemovingTheLastItemIsInvalidState) {
  given(draft_history(), item_removed{"o1", "w1"})
      .when(place{"tok_ok"})
      .then_error(error_code::invalid_state);
}

TEST(OrderDecider, PlaceTwiceIsInvalidState) {
  const error e = given(history_in(order_status::placed))
                      .when(place{"tok_ok"})
                      .then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "placed");
}

TEST(OrderDecider, TotalIsTheSumOfQuantityTimesPrice) {
  EXPECT_EQ(total_cents({}), 0);
  EXPECT_EQ(total_cents({{"a", 2, 500}, {"b", 3, 7}}), 1021);
  // The largest possible order: 100 skus x 10000 x 10^9 cents fits in int64.
  std::vector<line_item> largest(100, line_item{"x", 10'000, 1'000'000'000});
  EXPECT_EQ(total_cents(largest), 1'000'000'000'000'000);
}

TEST(OrderDecider, CommandNamesAndEventTypes) {
  EXPECT_EQ(command_name(add_item{}), "add_item");
  EXPECT_EQ(command_name(remove_item{}), "remove_item");
  EXPECT_EQ(command_name(create{}), "create");
  EXPECT_EQ(event_type(item_added{}), "ItemAdded");
  EXPECT_EQ(event_type(order_cancelled{}), "OrderCancelled");
}

}  // namespace
}  // namespace ordo::domain::testing
