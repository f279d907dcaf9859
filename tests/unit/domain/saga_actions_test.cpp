// Saga: what it asks the actor layer to do. next_actions per step (deterministic ids, bodies the
// targets' parsers accept), interpret's answer table, wake_up, on_order_event.
#include <gtest/gtest.h>

#include "domain/command_json.hpp"
#include "saga_fixtures.hpp"

namespace ordo::domain::testing {
namespace {

using namespace saga;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

outgoing_command to(std::string type, std::string id, std::string command, std::string body,
                    std::string command_id) {
  return {std::move(type), std::move(id), std::move(command), std::move(body),
          std::move(command_id)};
}

template <class... Extra>
state saga_after(std::vector<event> history, Extra... extra) {
  (history.push_back(event(std::move(extra))), ...);
  return saga_state(history);
}

outgoing_command release(std::string sku) {
  return to("stock", sku, "release", R"({"order_id":"o1"})", "saga-o1:compensating:release:" + sku);
}

outgoing_command ship(std::string sku) {
  return to("stock", sku, "ship", R"({"order_id":"o1"})", "saga-o1:shipping:ship:" + sku);
}

// --- next_actions ---

TEST(SagaActions, ReservingReservesEveryUnreservedSkuForTheOrder) {
  EXPECT_THAT(next_actions(saga_after(reserving_history(), saga_sku_reserved{"w2"})),
              ElementsAre(to("stock", "w1", "reserve", R"({"order_id":"o1","quantity":2})",
                             "saga-o1:reserving:reserve:w1"),
                          to("stock", "w3", "reserve", R"({"order_id":"o1","quantity":5})",
                             "saga-o1:reserving:reserve:w3")));
}

TEST(SagaActions, AuthorizingAuthorizesTheTotal) {
  EXPECT_THAT(next_actions(saga_state(authorizing_history())),
              ElementsAre(to("payment", "o1", "authorize",
                             R"({"amount_cents":4200,"order_id":"o1","token":"tok_ok"})",
                             "saga-o1:authorizing:authorize")));
}

TEST(SagaActions, ConfirmingConfirmsTheOrder) {
  EXPECT_THAT(next_actions(saga_state(confirming_history())),
              ElementsAre(to("order", "o1", "confirm", "{}", "saga-o1:confirming:confirm")));
}

TEST(SagaActions, ARetriedStepSendsTheSameCommandsAgain) {
  EXPECT_EQ(next_actions(saga_after(confirming_history(), saga_step_retried{3, given_deadline})),
            next_actions(saga_state(confirming_history())));
}

TEST(SagaActions, NothingIsSentWhileWaitingOrFinished) {
  EXPECT_THAT(next_actions(state{}), IsEmpty());
  EXPECT_THAT(next_actions(saga_state(awaiting_shipment_history())), IsEmpty());
  EXPECT_THAT(next_actions(saga_after(out_of_stock_history(), saga_finished{"out_of_stock"})),
              IsEmpty());
}

TEST(SagaActions, CompensationReleasesEveryUnsettledSkuBeforeRejecting) {
  EXPECT_THAT(next_actions(saga_state(out_of_stock_history())),
              ElementsAre(release("w1"), release("w2"), release("w3")));
  EXPECT_THAT(next_actions(saga_after(out_of_stock_history(), saga_sku_settled{"w1"},
                                      saga_sku_settled{"w3"})),
              ElementsAre(release("w2")));
  EXPECT_THAT(next_actions(saga_after(out_of_stock_history(), saga_sku_settled{"w1"},
                                      saga_sku_settled{"w2"}, saga_sku_settled{"w3"})),
              ElementsAre(to("order", "o1", "reject", R"({"reason":"out_of_stock"})",
                             "saga-o1:compensating:reject")));
}

TEST(SagaActions, CompensationVoidsARequestedPaymentThenRejects) {
  auto timed_out = authorizing_history();
  timed_out.push_back(entered_compensating("payment_timeout", true));
  const auto void_payment = to("payment", "o1", "void", "{}", "saga-o1:compensating:void");
  EXPECT_THAT(next_actions(saga_state(timed_out)),
              ElementsAre(release("w1"), release("w2"), release("w3"), void_payment));
  timed_out.insert(timed_out.end(),
                   {saga_sku_settled{"w1"}, saga_sku_settled{"w2"}, saga_sku_settled{"w3"}});
  EXPECT_THAT(next_actions(saga_state(timed_out)), ElementsAre(void_payment));
  timed_out.push_back(saga_payment_recorded{"voided", true});
  EXPECT_THAT(next_actions(saga_state(timed_out)),
              ElementsAre(to("order", "o1", "reject", R"({"reason":"payment_timeout"})",
                             "saga-o1:compensating:reject")));
}

TEST(SagaActions, CompensationRefundsACapturedPayment) {
  EXPECT_THAT(next_actions(saga_after(cancelled_after_confirming_history(), saga_sku_settled{"w1"},
                                      saga_sku_settled{"w2"}, saga_sku_settled{"w3"},
                                      saga_payment_recorded{"captured", false})),
              ElementsAre(to("payment", "o1", "refund", "{}", "saga-o1:compensating:refund")));
}

TEST(SagaActions, ACancelledOrderIsNeverRejected) {
  EXPECT_THAT(next_actions(saga_after(cancelled_after_confirming_history(), saga_sku_settled{"w1"},
                                      saga_sku_settled{"w2"}, saga_sku_settled{"w3"})),
              ElementsAre(to("payment", "o1", "void", "{}", "saga-o1:compensating:void")));
}

TEST(SagaActions, ShippingShipsEveryUnsettledSkuAndCaptures) {
  const auto capture = to("payment", "o1", "capture", "{}", "saga-o1:shipping:capture");
  EXPECT_THAT(next_actions(saga_state(shipping_history())),
              ElementsAre(ship("w1"), ship("w2"), ship("w3"), capture));
  EXPECT_THAT(next_actions(saga_after(shipping_history(), saga_sku_settled{"w2"},
                                      saga_payment_recorded{"captured", true})),
              ElementsAre(ship("w1"), ship("w3")));
}

// Every body next_actions builds is one the target's own parser reads as the intended command.
TEST(SagaActions, EveryBodyParsesAsTheTargetsCommand) {
  auto timed_out = authorizing_history();
  timed_out.push_back(entered_compensating("payment_timeout", true));
  std::vector<outgoing_command> actions;
  for (const auto& history : {reserving_history(), authorizing_history(), confirming_history(),
                              timed_out, shipping_history()}) {
    const auto step = next_actions(saga_state(history));
    actions.insert(actions.end(), step.begin(), step.end());
  }
  const auto rejecting =
      next_actions(saga_after(timed_out, saga_sku_settled{"w1"}, saga_sku_settled{"w2"},
                              saga_sku_settled{"w3"}, saga_payment_recorded{"voided", true}));
  actions.insert(actions.end(), rejecting.begin(), rejecting.end());

  std::set<std::string> seen;
  for (const outgoing_command& a : actions) {
    seen.insert(a.aggregate_type + "/" + a.command);
    if (a.aggregate_type == "stock") {
      const auto c = parse_command<stock_decider>(a.command, a.aggregate_id, a.body);
      ASSERT_TRUE(c) << a.command << " " << a.body << ": " << describe(c.error());
      if (a.command == "reserve") {
        const auto* r = std::get_if<stock::reserve>(&*c);
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(r->order_id, "o1");
        EXPECT_GE(r->quantity, 1);
      }
    } else if (a.aggregate_type == "payment") {
      const auto c = parse_command<payment_decider>(a.command, a.aggregate_id, a.body);
      ASSERT_TRUE(c) << a.command << " " << a.body << ": " << describe(c.error());
      if (a.command == "authorize") {
        EXPECT_EQ(*c, payment::command(payment::authorize{"o1", 4'200, "tok_ok"}));
      }
    } else {
      ASSERT_EQ(a.aggregate_type, "order");
      const auto c = parse_command<order_decider>(a.command, a.aggregate_id, a.body);
      ASSERT_TRUE(c) << a.command << " " << a.body << ": " << describe(c.error());
      if (a.command == "reject") {
        EXPECT_EQ(*c, order::command(order::reject{"payment_timeout"}));
      }
    }
  }
  EXPECT_THAT(seen,
              ElementsAre("order/confirm", "order/reject", "payment/authorize", "payment/capture",
                          "payment/void", "stock/release", "stock/reserve", "stock/ship"));
}

// --- interpret ---

struct answer_case {
  outgoing_command action;
  std::string code;
  std::string status;
  std::optional<command> expected;  // nullopt: nothing to record
};

outgoing_command action(std::string type, std::string id, std::string command) {
  return to(std::move(type), std::move(id), std::move(command), "{}",
            "saga-o1:step:" + command + ":" + id);
}

TEST(SagaActions, InterpretMapsEveryAnswer) {
  const auto reserve = action("stock", "w2", "reserve");
  const auto release = action("stock", "w2", "release");
  const auto ship = action("stock", "w2", "ship");
  const auto authorize = action("payment", "o1", "authorize");
  const auto void_it = action("payment", "o1", "void");
  const auto refund = action("payment", "o1", "refund");
  const auto capture = action("payment", "o1", "capture");
  const auto confirm = action("order", "o1", "confirm");
  const auto reject = action("order", "o1", "reject");
  const std::vector<answer_case> table{
      {reserve, "ok", "", stock_reserved{"w2"}},
      {reserve, "out_of_stock", "", stock_unavailable{"w2"}},
      {reserve, "validation_failed", "", stock_unavailable{"w2"}},
      {reserve, "not_found", "", stock_unavailable{"w2"}},
      {reserve, "invalid_state", "", std::nullopt},
      {release, "ok", "", stock_released{"w2"}},
      {release, "validation_failed", "", std::nullopt},
      {ship, "ok", "", stock_shipped{"w2"}},
      {ship, "not_found", "", std::nullopt},
      {authorize, "ok", "authorized", payment_result{"authorized"}},
      {authorize, "ok", "declined", payment_result{"declined"}},
      {authorize, "ok", "pending", std::nullopt},
      {authorize, "ok", "", std::nullopt},
      {authorize, "invalid_state", "voided", payment_result{"voided"}},
      {authorize, "validation_failed", "", std::nullopt},
      {void_it, "ok", "voided", payment_result{"voided"}},
      {void_it, "invalid_state", "captured", payment_result{"captured"}},
      {void_it, "not_found", "", payment_result{"none"}},
      {refund, "ok", "refunded", payment_result{"refunded"}},
      {refund, "invalid_state", "", std::nullopt},
      {capture, "ok", "captured", payment_result{"captured"}},
      {capture, "invalid_state", "pending", std::nullopt},
      {capture, "not_found", "", payment_result{"none"}},
      {confirm, "ok", "confirmed", order_result{"confirmed"}},
      {confirm, "invalid_state", "cancelled", order_result{"cancelled"}},
      {confirm, "not_found", "", std::nullopt},
      {reject, "ok", "rejected", order_result{"rejected"}},
      {reject, "invalid_state", "shipped", order_result{"shipped"}},
      {reject, "invalid_state", "", std::nullopt},
      {action("order", "o1", "ship"), "ok", "shipped", std::nullopt},
      {action("stock", "w2", "authorize"), "ok", "authorized", std::nullopt},
      {action("payment", "o1", "reserve"), "ok", "", std::nullopt},
  };
  const state s = saga_state(reserving_history());
  for (const answer_case& c : table) {
    const std::string label =
        c.action.aggregate_type + "/" + c.action.command + " " + c.code + " \"" + c.status + "\"";
    const auto answer = interpret(s, c.action, c.code, c.status);
    if (!c.expected) {
      EXPECT_EQ(answer, std::nullopt) << label << " -> " << answer->command << answer->body;
      continue;
    }
    ASSERT_TRUE(answer) << label;
    EXPECT_EQ(answer->aggregate_type, "saga") << label;
    EXPECT_EQ(answer->aggregate_id, "o1") << label;
    EXPECT_EQ(answer->command_id, c.action.command_id + ":answer") << label;
    const auto parsed = parse_command<saga_decider>(answer->command, "o1", answer->body);
    ASSERT_TRUE(parsed) << label << ": " << describe(parsed.error());
    EXPECT_EQ(*parsed, *c.expected) << label << " -> " << answer->command << answer->body;
  }
}

TEST(SagaActions, AnAnswerIsASagaCommandWithTheActionsIdPlusAnswer) {
  const state s = saga_state(reserving_history());
  const auto reserve = next_actions(s).front();
  EXPECT_EQ(interpret(s, reserve, "ok", ""), to("saga", "o1", "stock_reserved", R"({"sku":"w1"})",
                                                "saga-o1:reserving:reserve:w1:answer"));
}

// --- wake_up ---

TEST(SagaActions, WakeUpIsTheStepDeadlineAsATimeout) {
  EXPECT_EQ(wake_up(saga_state(reserving_history())),
            (scheduled_command{given_deadline,
                               to("saga", "o1", "timeout", R"({"attempt":0,"step":"reserving"})",
                                  "saga-o1:timeout:reserving:0")}));
  EXPECT_EQ(wake_up(saga_after(confirming_history(), saga_step_retried{2, next_deadline})),
            (scheduled_command{next_deadline,
                               to("saga", "o1", "timeout", R"({"attempt":2,"step":"confirming"})",
                                  "saga-o1:timeout:confirming:2")}));
}

TEST(SagaActions, NoWakeUpWithoutADeadline) {
  EXPECT_EQ(wake_up(state{}), std::nullopt);
  EXPECT_EQ(wake_up(saga_state(awaiting_shipment_history())), std::nullopt);
  EXPECT_EQ(wake_up(saga_after(shipping_history(), saga_finished{"shipped"})), std::nullopt);
}

TEST(SagaActions, TheWakeUpCommandIsTheTimeoutTheStepExpects) {
  for (const auto& history : {reserving_history(), authorizing_history(), confirming_history(),
                              out_of_stock_history(), shipping_history()}) {
    const state s = saga_state(history);
    const auto wake = wake_up(s);
    ASSERT_TRUE(wake);
    const auto c = parse_command<saga_decider>(wake->command.command, "o1", wake->command.body);
    ASSERT_TRUE(c) << describe(c.error());
    const auto events = decide(s, *c, wake->due_ms);
    ASSERT_TRUE(events);
    EXPECT_EQ(events->size(), 1u) << to_string(s.step);
  }
}

// --- on_order_event ---

TEST(SagaActions, OrderPlacedStartsTheSaga) {
  const auto start_saga = on_order_event(
      order::order_placed{"o1", "c1", {{"w1", 2, 500}, {"w2", 1, 3'200}}, 4'200, "tok_hang"},
      step_ms);
  ASSERT_TRUE(start_saga);
  EXPECT_EQ(start_saga->aggregate_type, "saga");
  EXPECT_EQ(start_saga->aggregate_id, "o1");
  EXPECT_EQ(start_saga->command, "start");
  EXPECT_EQ(start_saga->command_id, "saga-o1:start");
  const auto c = parse_command<saga_decider>("start", "o1", start_saga->body);
  ASSERT_TRUE(c) << describe(c.error());
  EXPECT_EQ(*c, command(start{"o1", {{"w1", 2}, {"w2", 1}}, 4'200, "tok_hang", step_ms}));
}

TEST(SagaActions, OrderCancelledAfterPlacingTellsTheSaga) {
  for (auto from : {order::order_status::placed, order::order_status::confirmed}) {
    EXPECT_EQ(on_order_event(order::order_cancelled{"o1", "late", from}, step_ms),
              to("saga", "o1", "order_cancelled", "{}", "saga-o1:order_cancelled"));
  }
  EXPECT_EQ(on_order_event(order::order_cancelled{"o1", std::nullopt, order::order_status::draft},
                           step_ms),
            std::nullopt);
}

TEST(SagaActions, OrderShippedTellsTheSaga) {
  EXPECT_EQ(on_order_event(order::order_shipped{"o1"}, step_ms),
            to("saga", "o1", "order_shipped", "{}", "saga-o1:order_shipped"));
}

TEST(SagaActions, OtherOrderEventsAreNotTheSagasBusiness) {
  for (const order::event& e : std::vector<order::event>{
           order::order_created{"o1", "c1", std::nullopt},
           order::item_added{"o1", "w1", 1, 1, "USD"}, order::item_removed{"o1", "w1"},
           order::order_confirmed{"o1"}, order::order_rejected{"o1", "out_of_stock"}}) {
    EXPECT_EQ(on_order_event(e, step_ms), std::nullopt) << order::event_type(e);
    EXPECT_FALSE(acts_on_order_event(order::event_type(e))) << order::event_type(e);
  }
}

TEST(SagaActions, TheTypeFilterLetsThroughEveryEventTheSagaActsOn) {
  for (const order::event& e : std::vector<order::event>{
           order::order_placed{"o1", "c1", {{"w1", 1, 100}}, 100, "tok_ok"},
           order::order_cancelled{"o1", std::nullopt, order::order_status::placed},
           order::order_cancelled{"o1", std::nullopt, order::order_status::confirmed},
           order::order_shipped{"o1"}}) {
    ASSERT_TRUE(on_order_event(e, step_ms)) << order::event_type(e);
    EXPECT_TRUE(acts_on_order_event(order::event_type(e))) << order::event_type(e);
  }
}

}  // namespace
}  // namespace ordo::domain::testing
