// Saga: the steps that end it (compensating, shipping) and the finished saga.
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

std::vector<event> all_released() {
  return {saga_sku_settled{"w1"}, saga_sku_settled{"w2"}, saga_sku_settled{"w3"}};
}

// --- compensating after out of stock: release everything, then reject the order ---

TEST(SagaCompensation, EnteringCompensationStartsAFreshStep) {
  auto s = given(confirming_history(), saga_step_retried{2, given_deadline})
               .when(order_cancelled{})
               .then(enters_compensating("cancelled", false));
  const state after = s.and_state();
  EXPECT_EQ(after.attempt, 0u);
  EXPECT_TRUE(after.settled.empty());
  EXPECT_FALSE(after.payment_settled);
  EXPECT_FALSE(after.order_settled);
  EXPECT_EQ(after.payment_status, "authorized");
  EXPECT_THAT(after.reserved, ElementsAre("w1", "w2", "w3"));
}

TEST(SagaCompensation, EachReleasedSkuIsSettled) {
  auto s = given(out_of_stock_history()).when(stock_released{"w2"}).then(saga_sku_settled{"w2"});
  EXPECT_THAT(s.and_state().settled, ElementsAre("w2"));
}

TEST(SagaCompensation, ReleasingEverySkuStillWaitsForTheRejection) {
  given(out_of_stock_history(), saga_sku_settled{"w1"}, saga_sku_settled{"w3"})
      .when(stock_released{"w2"})
      .then(saga_sku_settled{"w2"});
}

TEST(SagaCompensation, TheRejectedOrderFinishesTheSagaWithItsOutcome) {
  auto s = given(out_of_stock_history(), all_released())
               .when(order_result{"rejected"})
               .then(saga_order_settled{"rejected"}, saga_finished{"out_of_stock"});
  const state after = s.and_state();
  EXPECT_EQ(after.status, saga_status::finished);
  EXPECT_EQ(after.step, saga_step::done);
  EXPECT_EQ(after.outcome, "out_of_stock");
  EXPECT_EQ(after.deadline, 0);
}

TEST(SagaCompensation, AnOrderTheCustomerCancelledMeanwhileIsSettledToo) {
  given(out_of_stock_history(), all_released())
      .when(order_result{"cancelled"})
      .then(saga_order_settled{"cancelled"}, saga_finished{"out_of_stock"});
}

TEST(SagaCompensation, AnOrderStillPlacedIsNotSettled) {
  given(out_of_stock_history(), all_released()).when(order_result{"placed"}).then();
}

TEST(SagaCompensation, RepeatedAndUnknownReleasesChangeNothing) {
  given(out_of_stock_history(), saga_sku_settled{"w1"}).when(stock_released{"w1"}).then();
  given(out_of_stock_history()).when(stock_released{"w9"}).then();
}

// --- compensating after a declined or timed-out payment: release, void, reject ---

TEST(SagaCompensation, ADeclinedPaymentIsSettledByItsVoid) {
  auto declined = authorizing_history();
  declined.push_back(saga_payment_recorded{"declined", false});
  declined.push_back(entered_compensating("payment_declined", true));
  given(declined, all_released())
      .when(payment_result{"declined"})
      .then(saga_payment_recorded{"declined", true});
  auto s = given(declined, all_released(), saga_payment_recorded{"declined", true})
               .when(order_result{"rejected"})
               .then(saga_order_settled{"rejected"}, saga_finished{"payment_declined"});
  EXPECT_EQ(s.and_state().step, saga_step::done);
}

TEST(SagaCompensation, APaymentTimeoutVoidsThePendingPayment) {
  auto timed_out = authorizing_history();
  timed_out.push_back(entered_compensating("payment_timeout", true));
  for (std::string_view status : {"voided", "none", "refunded"}) {
    given(timed_out)
        .when(payment_result{std::string(status)})
        .then(saga_payment_recorded{std::string(status), true});
  }
}

TEST(SagaCompensation, LateAnswersOfEarlierStepsAreIgnored) {
  auto timed_out = authorizing_history();
  timed_out.push_back(entered_compensating("payment_timeout", true));
  for (const command& c :
       std::vector<command>{payment_result{"authorized"}, payment_result{"pending"},
                            stock_reserved{"w1"}, stock_unavailable{"w1"}, stock_shipped{"w1"},
                            order_shipped{}, order_cancelled{}, timeout{"authorizing", 0}}) {
    given(timed_out).when(c).then();
  }
}

TEST(SagaCompensation, APaymentResultWithoutAPaymentRequestedIsIgnored) {
  given(out_of_stock_history()).when(payment_result{"voided"}).then();
}

// --- compensating after the customer cancelled: release, void, leave the order alone ---

TEST(SagaCompensation, ACancelledOrderFinishesOnceStockAndPaymentAreSettled) {
  given(cancelled_after_confirming_history(), saga_sku_settled{"w1"}, saga_sku_settled{"w2"})
      .when(stock_released{"w3"})
      .then(saga_sku_settled{"w3"});
  auto s = given(cancelled_after_confirming_history(), all_released())
               .when(payment_result{"voided"})
               .then(saga_payment_recorded{"voided", true}, saga_finished{"cancelled"});
  EXPECT_EQ(s.and_state().status, saga_status::finished);
  EXPECT_EQ(s.and_state().outcome, "cancelled");
}

TEST(SagaCompensation, TheLastReleaseCanFinishTheSaga) {
  given(cancelled_after_confirming_history(), saga_payment_recorded{"voided", true},
        saga_sku_settled{"w1"}, saga_sku_settled{"w3"})
      .when(stock_released{"w2"})
      .then(saga_sku_settled{"w2"}, saga_finished{"cancelled"});
}

TEST(SagaCompensation, WithoutAPaymentReleasingEverySkuFinishes) {
  auto cancelled = reserving_history();
  cancelled.push_back(saga_sku_reserved{"w1"});
  cancelled.push_back(entered_compensating("cancelled", false));
  given(cancelled, saga_sku_settled{"w1"}, saga_sku_settled{"w2"})
      .when(stock_released{"w3"})
      .then(saga_sku_settled{"w3"}, saga_finished{"cancelled"});
}

TEST(SagaCompensation, OrderAnswersAreIgnoredWhenTheOrderIsNotRejected) {
  given(cancelled_after_confirming_history()).when(order_result{"cancelled"}).then();
  given(cancelled_after_confirming_history()).when(order_result{"confirmed"}).then();
}

TEST(SagaCompensation, ACapturedPaymentIsRefundedNotVoided) {
  auto s = given(cancelled_after_confirming_history(), all_released())
               .when(payment_result{"captured"})
               .then(saga_payment_recorded{"captured", false});
  EXPECT_EQ(s.and_state().payment_status, "captured");
  EXPECT_FALSE(s.and_state().payment_settled);
  // Told twice: nothing new.
  given(cancelled_after_confirming_history(), saga_payment_recorded{"captured", false})
      .when(payment_result{"captured"})
      .then();
  given(cancelled_after_confirming_history(), all_released(),
        saga_payment_recorded{"captured", false})
      .when(payment_result{"refunded"})
      .then(saga_payment_recorded{"refunded", true}, saga_finished{"cancelled"});
}

TEST(SagaCompensation, ASettledPaymentIsNotReopened) {
  given(cancelled_after_confirming_history(), saga_payment_recorded{"voided", true})
      .when(payment_result{"captured"})
      .then();
}

TEST(SagaCompensation, TheDeadlineRetriesTheStep) {
  given(cancelled_after_confirming_history())
      .when(timeout{"compensating", 0})
      .then(saga_step_retried{1, next_deadline});
  given(cancelled_after_confirming_history(), saga_step_retried{1, given_deadline})
      .when(timeout{"compensating", 0})
      .then();
}

// --- shipping: ship every sku's reservation, capture the payment ---

TEST(SagaShipping, EachShippedSkuIsSettled) {
  auto s = given(shipping_history()).when(stock_shipped{"w1"}).then(saga_sku_settled{"w1"});
  EXPECT_THAT(s.and_state().settled, ElementsAre("w1"));
  given(shipping_history(), saga_sku_settled{"w1"}).when(stock_shipped{"w1"}).then();
}

TEST(SagaShipping, TheCaptureIsRecorded) {
  given(shipping_history())
      .when(payment_result{"captured"})
      .then(saga_payment_recorded{"captured", true});
}

TEST(SagaShipping, ShippingEverythingFinishesTheSaga) {
  auto s = given(shipping_history(), saga_sku_settled{"w1"}, saga_sku_settled{"w3"},
                 saga_payment_recorded{"captured", true})
               .when(stock_shipped{"w2"})
               .then(saga_sku_settled{"w2"}, saga_finished{"shipped"});
  EXPECT_EQ(s.and_state().step, saga_step::done);
  EXPECT_EQ(s.and_state().outcome, "shipped");
  given(shipping_history(), all_released())
      .when(payment_result{"captured"})
      .then(saga_payment_recorded{"captured", true}, saga_finished{"shipped"});
}

TEST(SagaShipping, APaymentWithNothingToCaptureIsSettled) {
  for (std::string_view status : {"refunded", "voided", "declined", "none"}) {
    given(shipping_history())
        .when(payment_result{std::string(status)})
        .then(saga_payment_recorded{std::string(status), true});
  }
  given(shipping_history()).when(payment_result{"authorized"}).then();
}

TEST(SagaShipping, TheDeadlineRetriesTheStep) {
  given(shipping_history()).when(timeout{"shipping", 0}).then(saga_step_retried{1, next_deadline});
}

TEST(SagaShipping, CancellingOrReleasingDoesNothingOnceShipping) {
  given(shipping_history()).when(order_cancelled{}).then();
  given(shipping_history()).when(stock_released{"w1"}).then();
  given(shipping_history()).when(order_shipped{}).then();
}

// --- done ---

TEST(SagaDone, AFinishedSagaIgnoresEverything) {
  auto done = out_of_stock_history();
  done.push_back(saga_finished{"out_of_stock"});
  for (const command& c : every_command_but_start()) given(done).when(c).then();
  given(done).when(start_command()).then();
}

}  // namespace
}  // namespace ordo::domain::testing
