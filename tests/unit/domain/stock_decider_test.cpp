// Stock: restock, reserve, release and ship, in both statuses (none: never restocked; active).
#include <gtest/gtest.h>

#include "given_when_then.hpp"

namespace ordo::domain::testing {
namespace {

using namespace stock;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <class... Parts>
scenario<stock_decider> given(Parts&&... parts) {
  return given_for<stock_decider>(std::forward<Parts>(parts)...);
}

restocked ten_units() {
  return {"w1", 10};
}

// --- restock ---

TEST(StockDecider, TheFirstRestockCreatesTheStock) {
  auto s = given().when(restock{"w1", 10}).then(restocked{"w1", 10});
  EXPECT_EQ(s.and_state().status, stock_status::active);
  EXPECT_EQ(s.and_state().sku, "w1");
  EXPECT_EQ(s.and_state().on_hand, 10);
}

TEST(StockDecider, RestockAddsToOnHand) {
  auto s = given(ten_units()).when(restock{"w1", 5}).then(restocked{"w1", 5});
  EXPECT_EQ(s.and_state().on_hand, 15);
}

TEST(StockDecider, RestockQuantityOutsideOneToAMillionIsValidationFailed) {
  for (std::int64_t quantity : {0, -3, 1'000'001}) {
    const error e = given().when(restock{"w1", quantity}).then_error(error_code::validation_failed);
    EXPECT_THAT(fields_of(e), ElementsAre("quantity")) << quantity;
  }
  given().when(restock{"w1", 1'000'000}).then(restocked{"w1", 1'000'000});
}

TEST(StockDecider, RestockWithABadSkuIsValidationFailed) {
  const error e = given().when(restock{"w/1", 1}).then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("sku"));
}

TEST(StockDecider, RestockOfAnotherSkuIsValidationFailed) {
  const error e =
      given(ten_units()).when(restock{"w2", 1}).then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("sku"));
}

// --- reserve ---

TEST(StockDecider, ReserveTakesUnitsFromAvailable) {
  auto s = given(ten_units()).when(reserve{"o1", 4}).then(stock_reserved{"w1", "o1", 4});
  EXPECT_EQ(s.and_state().reserved, 4);
  EXPECT_EQ(available(s.and_state()), 6);
  EXPECT_EQ(s.and_state().reservations.at("o1"), 4);
}

TEST(StockDecider, ReserveEveryAvailableUnit) {
  given(ten_units()).when(reserve{"o1", 10}).then(stock_reserved{"w1", "o1", 10});
}

TEST(StockDecider, ReserveMoreThanAvailableIsOutOfStock) {
  const error e = given(ten_units(), stock_reserved{"w1", "o1", 7})
                      .when(reserve{"o2", 4})
                      .then_error(error_code::out_of_stock);
  EXPECT_THAT(e.message, HasSubstr("available 3, requested 4"));
}

TEST(StockDecider, ReserveANeverRestockedSkuIsOutOfStock) {
  const error e = given().when(reserve{"o1", 1}).then_error(error_code::out_of_stock);
  EXPECT_THAT(e.message, HasSubstr("available 0, requested 1"));
}

TEST(StockDecider, ReserveAgainForTheSameOrderIsANoOp) {
  given(ten_units(), stock_reserved{"w1", "o1", 4}).when(reserve{"o1", 4}).then();
  // Whatever the quantity: the order's reservation stands as first granted.
  given(ten_units(), stock_reserved{"w1", "o1", 4}).when(reserve{"o1", 9}).then();
}

TEST(StockDecider, ReserveAfterReleaseReservesAgain) {
  given(ten_units(), stock_reserved{"w1", "o1", 4}, stock_released{"w1", "o1", 4})
      .when(reserve{"o1", 4})
      .then(stock_reserved{"w1", "o1", 4});
}

TEST(StockDecider, ReserveListsEveryBadField) {
  const error e = given(ten_units()).when(reserve{"", 0}).then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("order_id", "quantity"));
}

// --- release ---

TEST(StockDecider, ReleaseReturnsTheOrdersUnits) {
  auto s = given(ten_units(), stock_reserved{"w1", "o1", 4}, stock_reserved{"w1", "o2", 1})
               .when(release{"o1"})
               .then(stock_released{"w1", "o1", 4});
  EXPECT_EQ(s.and_state().reserved, 1);
  EXPECT_EQ(available(s.and_state()), 9);
  EXPECT_FALSE(s.and_state().reservations.contains("o1"));
}

TEST(StockDecider, ReleaseWithoutAReservationIsANoOp) {
  given(ten_units()).when(release{"o1"}).then();
  given(ten_units(), stock_reserved{"w1", "o1", 4}, stock_released{"w1", "o1", 4})
      .when(release{"o1"})
      .then();
}

TEST(StockDecider, ReleaseOnANeverRestockedSkuIsANoOp) {
  given().when(release{"o1"}).then();
}

TEST(StockDecider, ReleaseWithABadOrderIdIsValidationFailed) {
  const error e = given(ten_units()).when(release{"?"}).then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("order_id"));
}

// --- ship ---

TEST(StockDecider, ShipCommitsTheReservation) {
  auto s = given(ten_units(), stock_reserved{"w1", "o1", 4})
               .when(ship{"o1"})
               .then(stock_shipped{"w1", "o1", 4});
  EXPECT_EQ(s.and_state().on_hand, 6);
  EXPECT_EQ(s.and_state().reserved, 0);
  EXPECT_EQ(available(s.and_state()), 6);  // shipping reserved units leaves available unchanged
  EXPECT_EQ(s.and_state().shipped, 4);
}

TEST(StockDecider, ShipWithoutAReservationIsANoOp) {
  given(ten_units()).when(ship{"o1"}).then();
  given().when(ship{"o1"}).then();
}

TEST(StockDecider, ShipTwiceIsANoOp) {
  given(ten_units(), stock_reserved{"w1", "o1", 4}, stock_shipped{"w1", "o1", 4})
      .when(ship{"o1"})
      .then();
}

TEST(StockDecider, ShipWithABadOrderIdIsValidationFailed) {
  given(ten_units()).when(ship{""}).then_error(error_code::validation_failed);
}

TEST(StockDecider, OnHandNeverFallsBelowReserved) {
  state s;
  const std::vector<command> commands{
      restock{"w1", 5}, reserve{"o1", 3}, reserve{"o2", 3}, reserve{"o2", 2}, ship{"o1"},
      restock{"w1", 1}, reserve{"o3", 2}, release{"o2"},    ship{"o3"},       reserve{"o4", 2}};
  for (const command& c : commands) {
    auto events = stock_decider::decide(s, c, command_time);
    if (events) {
      for (const event& e : *events) stock_decider::evolve(s, e, command_time);
    }
    EXPECT_GE(s.on_hand, s.reserved) << command_name(c);
    EXPECT_GE(available(s), 0) << command_name(c);
  }
  // o2's first reserve and o3's reserve were out of stock; o3's ship found nothing to ship.
  EXPECT_EQ(s.on_hand, 3);
  EXPECT_EQ(s.reserved, 2);
  EXPECT_EQ(s.shipped, 3);
}

TEST(StockDecider, CommandNamesAndEventTypes) {
  EXPECT_EQ(command_name(restock{}), "restock");
  EXPECT_EQ(command_name(reserve{}), "reserve");
  EXPECT_EQ(command_name(release{}), "release");
  EXPECT_EQ(command_name(ship{}), "ship");
  EXPECT_EQ(event_type(restocked{}), "Restocked");
  EXPECT_EQ(event_type(stock_shipped{}), "StockShipped");
}

}  // namespace
}  // namespace ordo::domain::testing
