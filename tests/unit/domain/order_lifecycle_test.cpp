// Order: confirm, reject, cancel and ship, and the times an order keeps.
#include <gtest/gtest.h>

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

TEST(OrderDecider, ConfirmAPlacedOrder) {
  auto s = given(history_in(order_status::placed)).when(confirm{}).then(order_confirmed{"o1"});
  EXPECT_EQ(s.and_state().status, order_status::confirmed);
}

TEST(OrderDecider, ConfirmADraftOrderIsInvalidState) {
  const error e = given(draft_history()).when(confirm{}).then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "draft");
}

TEST(OrderDecider, RejectAPlacedOrderWithEachReason) {
  for (std::string_view reason : reject_reasons) {
    auto s = given(history_in(order_status::placed))
                 .when(reject{std::string(reason)})
                 .then(order_rejected{"o1", std::string(reason)});
    EXPECT_EQ(s.and_state().status, order_status::rejected);
    EXPECT_EQ(s.and_state().reason, reason);
  }
}

TEST(OrderDecider, RejectWithAnUnknownReasonNamesReason) {
  const error e = given(history_in(order_status::placed))
                      .when(reject{"bored"})
                      .then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("reason"));
}

TEST(OrderDecider, RejectAConfirmedOrderIsInvalidState) {
  const error e = given(history_in(order_status::confirmed))
                      .when(reject{"payment_timeout"})
                      .then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "confirmed");
}

TEST(OrderDecider, CancelADraftOrderRecordsWhereItWas) {
  auto s = given(draft_history())
               .when(cancel{"changed my mind"})
               .then(order_cancelled{"o1", "changed my mind", order_status::draft});
  EXPECT_EQ(s.and_state().status, order_status::cancelled);
  EXPECT_EQ(s.and_state().reason, "changed my mind");
}

TEST(OrderDecider, CancelAPlacedOrder) {
  given(history_in(order_status::placed))
      .when(cancel{})
      .then(order_cancelled{"o1", std::nullopt, order_status::placed});
}

TEST(OrderDecider, CancelAConfirmedOrder) {
  given(history_in(order_status::confirmed))
      .when(cancel{"late"})
      .then(order_cancelled{"o1", "late", order_status::confirmed});
}

TEST(OrderDecider, CancelWithAnEmptyOrOverlongReasonIsValidationFailed) {
  for (const std::string& reason : {std::string(), std::string(max_reason_length + 1, 'x')}) {
    const error e =
        given(draft_history()).when(cancel{reason}).then_error(error_code::validation_failed);
    EXPECT_THAT(fields_of(e), ElementsAre("reason"));
  }
  given(draft_history())
      .when(cancel{std::string(max_reason_length, 'x')})
      .then(order_cancelled{"o1", std::string(max_reason_length, 'x'), order_status::draft});
}

TEST(OrderDecider, CancelAShippedOrderIsInvalidState) {
  const error e =
      given(history_in(order_status::shipped)).when(cancel{}).then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "shipped");
}

TEST(OrderDecider, CancelTwiceIsInvalidState) {
  const error e = given(history_in(order_status::cancelled))
                      .when(cancel{})
                      .then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "cancelled");
}

TEST(OrderDecider, ShipAConfirmedOrder) {
  auto s = given(history_in(order_status::confirmed)).when(ship{}).then(order_shipped{"o1"});
  EXPECT_EQ(s.and_state().status, order_status::shipped);
}

TEST(OrderDecider, ShipAPlacedOrderIsInvalidState) {
  const error e =
      given(history_in(order_status::placed)).when(ship{}).then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "placed");
}

TEST(OrderDecider, ARejectedOrderIsFinal) {
  for (const command& c :
       std::vector<command>{add_item{"w2", 1, 100}, remove_item{"w1"}, place{"tok_ok"}, confirm{},
                            reject{"out_of_stock"}, cancel{}, ship{}}) {
    const error e =
        given(history_in(order_status::rejected)).when(c).then_error(error_code::invalid_state);
    EXPECT_EQ(e.status, "rejected") << command_name(c);
  }
}

TEST(OrderEvolve, CreatedAtIsTheCreationTimeAndUpdatedAtTheLatestEvent) {
  state s;
  order_decider::evolve(s, order_created_event(), 1000);
  order_decider::evolve(s, item_added_event("w1", 1, 100), 2000);
  EXPECT_EQ(s.created_at, 1000);
  EXPECT_EQ(s.updated_at, 2000);
}

TEST(OrderEvolve, AppliesEventsWithoutJudgingThem) {
  // Events are facts: evolve applies even ones decide would never emit, and never fails.
  state s;
  order_decider::evolve(s, order_shipped{"o1"}, 1);
  order_decider::evolve(s, item_removed{"o1", "never-added"}, 2);
  EXPECT_EQ(s.status, order_status::shipped);
  EXPECT_TRUE(s.items.empty());
}

}  // namespace
}  // namespace ordo::domain::testing
