// The saga driving the real order, stock and payment deciders, the way the actor layer will:
// order events through on_order_event, next_actions through the targets' JSON parsers and
// deciders, their answers through interpret, deadlines through wake_up. No actors, no clocks.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "domain/command_json.hpp"
#include "saga_fixtures.hpp"

namespace ordo::domain::testing {
namespace {

using saga::saga_status;
using saga::saga_step;

class fulfillment {
 public:
  // Sends every action twice when asked, as a crash between sending and recording would.
  bool send_twice = false;
  // Answers this returns true for are lost on the way back (the target did the work).
  std::function<bool(const outgoing_command&)> lose_answer = [](const outgoing_command&) {
    return false;
  };

  order::state order;
  std::map<std::string, stock::state> stocks;
  payment::state payment;
  saga::state saga;
  timestamp now = command_time;

  void restock(const std::string& sku, std::int64_t quantity) {
    run<stock_decider>(stocks[sku], "restock", sku, nlohmann::json{{"quantity", quantity}});
  }

  // A customer's order command; its events reach the saga as the event bus would deliver them.
  std::string customer(std::string_view command,
                       const nlohmann::json& body = nlohmann::json::object()) {
    return run<order_decider>(order, command, "o1", body).first;
  }

  // Advances the clock to the saga's deadline and delivers the timeout.
  void pass_deadline() {
    const auto wake = saga::wake_up(saga);
    ASSERT_TRUE(wake) << "no deadline in step " << saga::to_string(saga.step);
    now = wake->due_ms;
    deliver(wake->command);
  }

  std::int64_t reserved(const std::string& sku) { return stocks[sku].reserved; }

 private:
  // Runs a command through D's parser and decider; returns the code and the status an answer
  // would carry ("ok" and the state's status, or the error's code and status).
  template <decider D>
  std::pair<std::string, std::string> run(typename D::state& s, std::string_view command,
                                          std::string_view id, const nlohmann::json& body) {
    const auto parsed = parse_command<D>(command, id, compact_json(body));
    if (!parsed) {
      ADD_FAILURE() << command << " " << body << ": " << describe(parsed.error());
      return {"validation_failed", ""};
    }
    const auto events = D::decide(s, *parsed, now);
    if (!events) return {std::string(to_string(events.error().code)), events.error().status};
    for (const auto& e : *events) {
      D::evolve(s, e, now);
      if constexpr (std::is_same_v<D, order_decider>) {
        if (auto told = saga::on_order_event(e, step_ms)) deliver(*told);
      }
    }
    return {"ok", D::to_json(s).value("status", "")};
  }

  std::pair<std::string, std::string> send(const outgoing_command& a) {
    const auto body = nlohmann::json::parse(a.body);
    if (a.aggregate_type == "stock")
      return run<stock_decider>(stocks[a.aggregate_id], a.command, a.aggregate_id, body);
    if (a.aggregate_type == "payment")
      return run<payment_decider>(payment, a.command, a.aggregate_id, body);
    EXPECT_EQ(a.aggregate_type, "order");
    return run<order_decider>(order, a.command, a.aggregate_id, body);
  }

  // A command to the saga, then whatever its new state asks for, until it waits.
  void deliver(const outgoing_command& c) {
    ASSERT_EQ(c.aggregate_type, "saga");
    const auto parsed = parse_command<saga_decider>(c.command, c.aggregate_id, c.body);
    ASSERT_TRUE(parsed) << c.command << " " << c.body << ": " << describe(parsed.error());
    const auto events = saga::decide(saga, *parsed, now);
    ASSERT_TRUE(events) << c.command << ": " << describe(events.error());
    for (const auto& e : *events) saga::evolve(saga, e, now);
    if (!events->empty()) act();
  }

  // Sends every action first, then records the answers in order, as the actor layer does: the
  // actions of one state go out together, their answers come back one by one.
  void act() {
    if (++depth_ > 200) {
      ADD_FAILURE() << "the saga does not settle";
      return;
    }
    std::vector<std::pair<outgoing_command, std::pair<std::string, std::string>>> answers;
    for (const outgoing_command& a : saga::next_actions(saga)) {
      for (int i = 0; i < (send_twice ? 2 : 1); ++i) answers.emplace_back(a, send(a));
    }
    for (const auto& [a, answer] : answers) {
      if (lose_answer(a)) continue;
      if (auto told = saga::interpret(saga, a, answer.first, answer.second)) deliver(*told);
    }
    --depth_;
  }

  int depth_ = 0;
};

// Order o1: 2 x w1, 1 x w2, 5 x w3 at 100 cents each, placed with `token`.
void place(fulfillment& f, std::string_view token) {
  ASSERT_EQ(f.customer("create", {{"customer_id", "c1"}}), "ok");
  for (auto [sku, quantity] : {std::pair{"w1", 2}, {"w2", 1}, {"w3", 5}}) {
    ASSERT_EQ(
        f.customer("add_item", {{"sku", sku}, {"quantity", quantity}, {"unit_price_cents", 100}}),
        "ok");
  }
  ASSERT_EQ(f.customer("place", {{"payment_token", token}}), "ok");
}

fulfillment stocked() {
  fulfillment f;
  f.restock("w1", 10);
  f.restock("w2", 1);
  f.restock("w3", 5);
  return f;
}

void expect_everything_released(fulfillment& f) {
  for (const char* sku : {"w1", "w2", "w3"}) EXPECT_EQ(f.reserved(sku), 0) << sku;
}

TEST(SagaProcess, APlacedOrderIsConfirmedAndThenShipped) {
  fulfillment f = stocked();
  place(f, "tok_ok");
  EXPECT_EQ(f.order.status, order::order_status::confirmed);
  EXPECT_EQ(f.payment.status, payment::payment_status::authorized);
  EXPECT_EQ(f.payment.amount_cents, 800);
  EXPECT_EQ(f.reserved("w1"), 2);
  EXPECT_EQ(f.reserved("w3"), 5);
  EXPECT_EQ(f.saga.status, saga_status::finished);
  EXPECT_EQ(f.saga.step, saga_step::awaiting_shipment);
  EXPECT_EQ(saga::wake_up(f.saga), std::nullopt);

  ASSERT_EQ(f.customer("ship"), "ok");
  EXPECT_EQ(f.saga.step, saga_step::done);
  EXPECT_EQ(f.saga.outcome, "shipped");
  EXPECT_EQ(f.payment.status, payment::payment_status::captured);
  EXPECT_EQ(f.stocks["w3"].on_hand, 0);
  EXPECT_EQ(f.stocks["w1"].shipped, 2);
  expect_everything_released(f);
}

TEST(SagaProcess, SendingEveryCommandTwiceChangesNothing) {
  fulfillment f = stocked();
  f.send_twice = true;
  place(f, "tok_ok");
  EXPECT_EQ(f.order.status, order::order_status::confirmed);
  EXPECT_EQ(f.reserved("w1"), 2);
  ASSERT_EQ(f.customer("ship"), "ok");
  EXPECT_EQ(f.saga.outcome, "shipped");
  EXPECT_EQ(f.stocks["w1"].on_hand, 8);
}

TEST(SagaProcess, OneSkuOutOfStockRejectsTheOrderAndReleasesTheOthers) {
  fulfillment f;
  f.restock("w1", 10);
  f.restock("w3", 4);  // one short; w2 never restocked
  f.send_twice = true;
  place(f, "tok_ok");
  EXPECT_EQ(f.order.status, order::order_status::rejected);
  EXPECT_EQ(f.order.reason, "out_of_stock");
  EXPECT_EQ(f.payment.status, payment::payment_status::none);
  EXPECT_EQ(f.saga.step, saga_step::done);
  EXPECT_EQ(f.saga.outcome, "out_of_stock");
  expect_everything_released(f);
}

TEST(SagaProcess, ADeclinedPaymentRejectsTheOrder) {
  fulfillment f = stocked();
  place(f, "tok_decline");
  EXPECT_EQ(f.order.status, order::order_status::rejected);
  EXPECT_EQ(f.order.reason, "payment_declined");
  EXPECT_EQ(f.payment.status, payment::payment_status::declined);
  EXPECT_EQ(f.saga.outcome, "payment_declined");
  expect_everything_released(f);
}

TEST(SagaProcess, APaymentThatNeverAnswersTimesOutAndIsVoided) {
  fulfillment f = stocked();
  place(f, "tok_hang");
  EXPECT_EQ(f.saga.step, saga_step::authorizing);
  EXPECT_EQ(f.order.status, order::order_status::placed);
  f.pass_deadline();
  EXPECT_EQ(f.now, command_time + step_ms);
  EXPECT_EQ(f.order.status, order::order_status::rejected);
  EXPECT_EQ(f.order.reason, "payment_timeout");
  EXPECT_EQ(f.payment.status, payment::payment_status::voided);
  EXPECT_EQ(f.saga.outcome, "payment_timeout");
  expect_everything_released(f);
}

TEST(SagaProcess, CancellingWhileThePaymentHangsVoidsItAndLeavesTheOrderCancelled) {
  fulfillment f = stocked();
  place(f, "tok_hang");
  ASSERT_EQ(f.customer("cancel"), "ok");
  EXPECT_EQ(f.order.status, order::order_status::cancelled);
  EXPECT_EQ(f.payment.status, payment::payment_status::voided);
  EXPECT_EQ(f.saga.outcome, "cancelled");
  EXPECT_EQ(f.saga.step, saga_step::done);
  expect_everything_released(f);
}

TEST(SagaProcess, CancellingAConfirmedOrderReleasesStockAndVoidsThePayment) {
  fulfillment f = stocked();
  place(f, "tok_ok");
  ASSERT_EQ(f.customer("cancel", {{"reason", "changed my mind"}}), "ok");
  EXPECT_EQ(f.order.status, order::order_status::cancelled);
  EXPECT_EQ(f.payment.status, payment::payment_status::voided);
  EXPECT_EQ(f.saga.outcome, "cancelled");
  expect_everything_released(f);
}

TEST(SagaProcess, ALostConfirmAnswerIsRecoveredByTheRetry) {
  fulfillment f = stocked();
  bool losing = true;
  f.lose_answer = [&](const outgoing_command& a) { return losing && a.command == "confirm"; };
  place(f, "tok_ok");
  EXPECT_EQ(f.order.status, order::order_status::confirmed);
  EXPECT_EQ(f.saga.step, saga_step::confirming);
  losing = false;
  f.pass_deadline();  // retried: confirm again, and invalid_state "confirmed" is the answer
  EXPECT_EQ(f.saga.step, saga_step::awaiting_shipment);
  EXPECT_EQ(f.saga.attempt, 0u);
}

TEST(SagaProcess, LostCompensationAnswersAreRecoveredByRetries) {
  fulfillment f;
  f.restock("w1", 10);
  bool losing = true;
  f.lose_answer = [&](const outgoing_command& a) { return losing && a.command == "release"; };
  place(f, "tok_ok");
  EXPECT_EQ(f.saga.step, saga_step::compensating);
  f.pass_deadline();  // still losing: one more attempt
  EXPECT_EQ(f.saga.attempt, 1u);
  losing = false;
  f.pass_deadline();
  EXPECT_EQ(f.saga.step, saga_step::done);
  EXPECT_EQ(f.order.status, order::order_status::rejected);
  EXPECT_EQ(f.order.reason, "out_of_stock");
  expect_everything_released(f);
}

}  // namespace
}  // namespace ordo::domain::testing
