// Saga: start, and the forward steps (reserving, authorizing, confirming, awaiting_shipment).
// Compensation and shipping are in saga_compensation_test.cpp.
#include <gtest/gtest.h>

#include "saga_fixtures.hpp"

namespace ordo::domain::testing {
namespace {

using namespace saga;
using ::testing::ElementsAre;

template <class... Parts>
scenario<saga_decider> given(Parts&&... parts) {
  return given_for<saga_decider>(std::forward<Parts>(parts)...);
}

// --- start ---

TEST(SagaDecider, StartBeginsReservingWithADeadline) {
  auto s = given()
               .when(start_command())
               .then(saga_started{"o1", three_items(), 4'200, "tok_ok", step_ms, next_deadline});
  const state after = s.and_state();
  EXPECT_EQ(after.status, saga_status::active);
  EXPECT_EQ(after.step, saga_step::reserving);
  EXPECT_EQ(after.order_id, "o1");
  EXPECT_EQ(after.items, three_items());
  EXPECT_EQ(after.started_at, command_time);
  EXPECT_EQ(after.step_started_at, command_time);
  EXPECT_EQ(after.deadline, next_deadline);
  EXPECT_EQ(after.attempt, 0u);
  EXPECT_FALSE(after.payment_requested);
}

TEST(SagaDecider, StartTwiceIsANoOp) {
  given(reserving_history()).when(start_command()).then();
  given(awaiting_shipment_history()).when(start_command()).then();
}

TEST(SagaDecider, StartListsEveryBadField) {
  const error e =
      given().when(start{"o/1", {}, 0, "tok_maybe", 0}).then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e),
              ElementsAre("order_id", "items", "total_cents", "payment_token", "step_timeout_ms"));
}

TEST(SagaDecider, StartChecksEveryItem) {
  const error e =
      given()
          .when(start{"o1", {{"w/1", 1}, {"w2", 0}, {"w3", 1}, {"w2", 1}}, 1, "tok_ok", 1})
          .then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("items[0].sku", "items[1].quantity", "items[3].sku"));
  EXPECT_EQ(e.fields.back().message, "repeats w2 of items[1]");
}

TEST(SagaDecider, StartAcceptsTheSmallestValues) {
  given()
      .when(start{"o1", {{"w1", 1}}, 1, "tok_hang", 1})
      .then(saga_started{"o1", {{"w1", 1}}, 1, "tok_hang", 1, command_time + 1});
}

TEST(SagaDecider, AHugeStepTimeoutSaturatesTheDeadline) {
  const auto huge = std::numeric_limits<std::int64_t>::max();
  auto s = given().when(start{"o1", {{"w1", 1}}, 1, "tok_ok", huge});
  EXPECT_EQ(s.and_state().deadline, huge);
}

TEST(SagaDecider, AnyOtherCommandOnANeverStartedSagaIsNotFound) {
  for (const command& c : every_command_but_start()) {
    given().when(c).then_error(error_code::not_found);
  }
}

// --- reserving ---

TEST(SagaDecider, EachReservedSkuIsRecorded) {
  auto s = given(reserving_history()).when(stock_reserved{"w2"}).then(saga_sku_reserved{"w2"});
  EXPECT_THAT(s.and_state().reserved, ElementsAre("w2"));
  EXPECT_EQ(s.and_state().step, saga_step::reserving);
}

TEST(SagaDecider, TheLastOfThreeReservationsEntersAuthorizing) {
  auto s = given(reserving_history(), saga_sku_reserved{"w3"}, saga_sku_reserved{"w1"})
               .when(stock_reserved{"w2"})
               .then(saga_sku_reserved{"w2"}, enters(saga_step::authorizing));
  const state after = s.and_state();
  EXPECT_EQ(after.step, saga_step::authorizing);
  EXPECT_TRUE(after.payment_requested);
  EXPECT_EQ(after.deadline, next_deadline);
  EXPECT_EQ(after.step_started_at, command_time);
}

TEST(SagaDecider, ARepeatedOrUnknownReservationChangesNothing) {
  given(reserving_history(), saga_sku_reserved{"w1"}).when(stock_reserved{"w1"}).then();
  given(reserving_history()).when(stock_reserved{"w9"}).then();
}

TEST(SagaDecider, OneOfThreeSkusOutOfStockCompensates) {
  auto s = given(reserving_history(), saga_sku_reserved{"w1"})
               .when(stock_unavailable{"w2"})
               .then(enters_compensating("out_of_stock", true));
  const state after = s.and_state();
  EXPECT_EQ(after.step, saga_step::compensating);
  EXPECT_EQ(after.outcome, "out_of_stock");
  EXPECT_TRUE(after.reject_order);
  EXPECT_FALSE(after.payment_requested);
}

TEST(SagaDecider, UnavailableForAnUnknownOrReservedSkuChangesNothing) {
  given(reserving_history()).when(stock_unavailable{"w9"}).then();
  given(reserving_history(), saga_sku_reserved{"w1"}).when(stock_unavailable{"w1"}).then();
}

TEST(SagaDecider, TheReservingDeadlineCompensatesAsPaymentTimeout) {
  given(reserving_history())
      .when(timeout{"reserving", 0})
      .then(enters_compensating("payment_timeout", true));
}

TEST(SagaDecider, CancelWhileReservingCompensatesWithoutRejecting) {
  given(reserving_history(), saga_sku_reserved{"w1"})
      .when(order_cancelled{})
      .then(enters_compensating("cancelled", false));
}

TEST(SagaDecider, AnswersOfLaterStepsAreIgnoredWhileReserving) {
  for (const command& c :
       std::vector<command>{stock_released{"w1"}, stock_shipped{"w1"}, payment_result{"authorized"},
                            order_result{"confirmed"}, order_shipped{}}) {
    given(reserving_history()).when(c).then();
  }
}

// --- authorizing ---

TEST(SagaDecider, AuthorizedEntersConfirming) {
  auto s = given(authorizing_history())
               .when(payment_result{"authorized"})
               .then(saga_payment_recorded{"authorized", false}, enters(saga_step::confirming));
  EXPECT_EQ(s.and_state().payment_status, "authorized");
  EXPECT_EQ(s.and_state().step, saga_step::confirming);
}

TEST(SagaDecider, DeclinedCompensates) {
  auto s = given(authorizing_history())
               .when(payment_result{"declined"})
               .then(saga_payment_recorded{"declined", false},
                     enters_compensating("payment_declined", true));
  EXPECT_EQ(s.and_state().payment_status, "declined");
  EXPECT_FALSE(s.and_state().payment_settled);  // void is still sent: harmless on declined
}

TEST(SagaDecider, APendingPaymentWaitsForTheDeadline) {
  given(authorizing_history()).when(payment_result{"pending"}).then();
  given(authorizing_history()).when(payment_result{"none"}).then();
}

TEST(SagaDecider, TheAuthorizingDeadlineCompensatesAsPaymentTimeout) {
  auto s = given(authorizing_history())
               .when(timeout{"authorizing", 0})
               .then(enters_compensating("payment_timeout", true));
  EXPECT_TRUE(s.and_state().payment_requested);  // so compensation voids it
}

TEST(SagaDecider, CancelWhileAuthorizingCompensatesWithoutRejecting) {
  given(authorizing_history())
      .when(order_cancelled{})
      .then(enters_compensating("cancelled", false));
}

TEST(SagaDecider, LateReservationAnswersAreIgnoredWhileAuthorizing) {
  given(authorizing_history()).when(stock_reserved{"w1"}).then();
  given(authorizing_history()).when(stock_unavailable{"w1"}).then();
  given(authorizing_history()).when(timeout{"reserving", 0}).then();
}

// --- confirming ---

TEST(SagaDecider, ConfirmedFinishesAwaitingShipment) {
  auto s =
      given(confirming_history()).when(order_result{"confirmed"}).then(saga_finished{"confirmed"});
  const state after = s.and_state();
  EXPECT_EQ(after.status, saga_status::finished);
  EXPECT_EQ(after.step, saga_step::awaiting_shipment);
  EXPECT_EQ(after.outcome, "confirmed");
  EXPECT_EQ(after.deadline, 0);
}

TEST(SagaDecider, AnOrderFoundCancelledCompensatesWithoutRejecting) {
  given(confirming_history())
      .when(order_result{"cancelled"})
      .then(enters_compensating("cancelled", false));
}

TEST(SagaDecider, AnOrderFoundShippedShips) {
  given(confirming_history()).when(order_result{"shipped"}).then(enters(saga_step::shipping));
}

TEST(SagaDecider, CancelWhileConfirmingCompensatesWithoutRejecting) {
  given(confirming_history()).when(order_cancelled{}).then(enters_compensating("cancelled", false));
}

TEST(SagaDecider, OrderShippedWhileConfirmingShips) {
  given(confirming_history()).when(order_shipped{}).then(enters(saga_step::shipping));
}

TEST(SagaDecider, TheConfirmingDeadlineRetries) {
  auto s = given(confirming_history())
               .when(timeout{"confirming", 0})
               .then(saga_step_retried{1, next_deadline});
  EXPECT_EQ(s.and_state().attempt, 1u);
  EXPECT_EQ(s.and_state().step, saga_step::confirming);
  // Each further retry waits twice as long as the one before, up to a minute.
  given(confirming_history(), saga_step_retried{1, given_deadline})
      .when(timeout{"confirming", 1})
      .then(saga_step_retried{2, command_time + 2 * step_ms});
  given(confirming_history(), saga_step_retried{1, given_deadline},
        saga_step_retried{2, given_deadline})
      .when(timeout{"confirming", 2})
      .then(saga_step_retried{3, command_time + 4 * step_ms});
  given(confirming_history(), saga_step_retried{30, given_deadline})
      .when(timeout{"confirming", 30})
      .then(saga_step_retried{31, command_time + 60'000});
}

TEST(SagaDecider, StaleTimeoutsAreIgnored) {
  // Fired for an attempt that already retried, for a step left behind, for a step not yet entered.
  given(confirming_history(), saga_step_retried{1, given_deadline})
      .when(timeout{"confirming", 0})
      .then();
  given(confirming_history()).when(timeout{"authorizing", 0}).then();
  given(confirming_history()).when(timeout{"shipping", 0}).then();
  given(confirming_history()).when(timeout{"confirming", 7}).then();
  given(reserving_history()).when(timeout{"nonsense", 0}).then();
}

TEST(SagaDecider, OtherOrderStatusesAreIgnoredWhileConfirming) {
  given(confirming_history()).when(order_result{"placed"}).then();
  given(confirming_history()).when(payment_result{"authorized"}).then();
}

// --- awaiting_shipment ---

TEST(SagaDecider, CancelWhileAwaitingShipmentCompensatesAndReopensTheSaga) {
  auto s = given(awaiting_shipment_history())
               .when(order_cancelled{})
               .then(enters_compensating("cancelled", false));
  EXPECT_EQ(s.and_state().status, saga_status::active);
  EXPECT_EQ(s.and_state().deadline, next_deadline);
}

TEST(SagaDecider, OrderShippedWhileAwaitingShipmentShips) {
  auto s =
      given(awaiting_shipment_history()).when(order_shipped{}).then(enters(saga_step::shipping));
  EXPECT_EQ(s.and_state().status, saga_status::active);
}

TEST(SagaDecider, NothingElseMovesASagaAwaitingShipment) {
  for (const command& c : std::vector<command>{
           order_result{"confirmed"}, order_result{"cancelled"}, payment_result{"authorized"},
           stock_reserved{"w1"}, timeout{"confirming", 0}, timeout{"awaiting_shipment", 0}}) {
    given(awaiting_shipment_history()).when(c).then();
  }
}

TEST(SagaDecider, CommandNamesAndEventTypes) {
  EXPECT_EQ(command_name(start{}), "start");
  EXPECT_EQ(command_name(stock_unavailable{}), "stock_unavailable");
  EXPECT_EQ(command_name(payment_result{}), "payment_result");
  EXPECT_EQ(command_name(order_cancelled{}), "order_cancelled");
  EXPECT_EQ(command_name(timeout{}), "timeout");
  EXPECT_EQ(event_type(saga_started{}), "SagaStarted");
  EXPECT_EQ(event_type(saga_step_entered{}), "SagaStepEntered");
  EXPECT_EQ(event_type(saga_finished{}), "SagaFinished");
}

TEST(SagaDecider, StatusAndStepNamesRoundTrip) {
  for (auto status : {saga_status::none, saga_status::active, saga_status::finished}) {
    EXPECT_EQ(parse_saga_status(to_string(status)), status);
  }
  for (auto step : {saga_step::none, saga_step::reserving, saga_step::authorizing,
                    saga_step::confirming, saga_step::awaiting_shipment, saga_step::compensating,
                    saga_step::shipping, saga_step::done}) {
    EXPECT_EQ(parse_saga_step(to_string(step)), step);
  }
  EXPECT_EQ(to_string(saga_step::awaiting_shipment), "awaiting_shipment");
  EXPECT_EQ(parse_saga_step("Reserving"), std::nullopt);
  EXPECT_EQ(parse_saga_status(""), std::nullopt);
}

}  // namespace
}  // namespace ordo::domain::testing
