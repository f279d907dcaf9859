// Payment: the simulated gateway's answers, and every command in every status.
#include <gtest/gtest.h>

#include <array>
#include <cctype>

#include "given_when_then.hpp"

namespace ordo::domain::testing {
namespace {

using namespace payment;
using ::testing::ElementsAre;

template <class... Parts>
scenario<payment_decider> given(Parts&&... parts) {
  return given_for<payment_decider>(std::forward<Parts>(parts)...);
}

payment_requested requested(std::string token = "tok_ok") {
  return {"o1", 1000, std::move(token)};
}

TEST(PaymentDecider, AuthorizeWithTokOkIsAuthorized) {
  auto s = given()
               .when(authorize{"o1", 1000, "tok_ok"})
               .then(requested("tok_ok"), payment_authorized{"o1", 1000});
  EXPECT_EQ(s.and_state().status, payment_status::authorized);
  EXPECT_EQ(s.and_state().amount_cents, 1000);
  EXPECT_EQ(s.and_state().token, "tok_ok");
}

TEST(PaymentDecider, AuthorizeWithTokDeclineIsDeclined) {
  auto s = given()
               .when(authorize{"o1", 1000, "tok_decline"})
               .then(requested("tok_decline"), payment_declined{"o1", "card_declined"});
  EXPECT_EQ(s.and_state().status, payment_status::declined);
}

TEST(PaymentDecider, AuthorizeWithTokHangStaysPending) {
  auto s = given().when(authorize{"o1", 1000, "tok_hang"}).then(requested("tok_hang"));
  EXPECT_EQ(s.and_state().status, payment_status::pending);
}

TEST(PaymentDecider, AuthorizeListsEveryBadField) {
  const error e =
      given().when(authorize{"", 0, "tok_free"}).then_error(error_code::validation_failed);
  EXPECT_THAT(fields_of(e), ElementsAre("order_id", "amount_cents", "token"));
}

TEST(PaymentDecider, AuthorizeAgainIsANoOpWhateverTheGatewaySaid) {
  given(requested(), payment_authorized{"o1", 1000}).when(authorize{"o1", 1000, "tok_ok"}).then();
  given(requested("tok_decline"), payment_declined{"o1", "card_declined"})
      .when(authorize{"o1", 1000, "tok_ok"})
      .then();
  given(requested("tok_hang")).when(authorize{"o1", 1000, "tok_hang"}).then();
}

TEST(PaymentDecider, VoidAPendingPayment) {
  auto s = given(requested("tok_hang")).when(void_payment{}).then(payment_voided{"o1"});
  EXPECT_EQ(s.and_state().status, payment_status::voided);
}

TEST(PaymentDecider, VoidAnAuthorizedPayment) {
  given(requested(), payment_authorized{"o1", 1000})
      .when(void_payment{})
      .then(payment_voided{"o1"});
}

TEST(PaymentDecider, VoidTwiceIsANoOp) {
  given(requested("tok_hang"), payment_voided{"o1"}).when(void_payment{}).then();
}

TEST(PaymentDecider, VoidACapturedPaymentIsInvalidState) {
  const error e = given(requested(), payment_authorized{"o1", 1000}, payment_captured{"o1", 1000})
                      .when(void_payment{})
                      .then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "captured");
}

TEST(PaymentDecider, CaptureAnAuthorizedPayment) {
  auto s = given(requested(), payment_authorized{"o1", 1000})
               .when(capture{})
               .then(payment_captured{"o1", 1000});
  EXPECT_EQ(s.and_state().status, payment_status::captured);
}

TEST(PaymentDecider, CaptureAPendingPaymentIsInvalidState) {
  const error e =
      given(requested("tok_hang")).when(capture{}).then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "pending");
}

TEST(PaymentDecider, RefundACapturedPayment) {
  given(requested(), payment_authorized{"o1", 1000}, payment_captured{"o1", 1000})
      .when(refund{})
      .then(payment_refunded{"o1", 1000});
}

TEST(PaymentDecider, RefundAnAuthorizedPaymentIsInvalidStateVoidItInstead) {
  const error e = given(requested(), payment_authorized{"o1", 1000})
                      .when(refund{})
                      .then_error(error_code::invalid_state);
  EXPECT_EQ(e.status, "authorized");
}

TEST(PaymentDecider, CommandNamesAndEventTypes) {
  EXPECT_EQ(command_name(authorize{}), "authorize");
  EXPECT_EQ(command_name(void_payment{}), "void");
  EXPECT_EQ(command_name(capture{}), "capture");
  EXPECT_EQ(command_name(refund{}), "refund");
  EXPECT_EQ(event_type(payment_requested{}), "PaymentRequested");
  EXPECT_EQ(event_type(payment_refunded{}), "PaymentRefunded");
}

// --- every command in every status ---

std::vector<event> history_in(payment_status status) {
  const payment_authorized authorized{"o1", 1000};
  switch (status) {
    case payment_status::none:
      return {};
    case payment_status::pending:
      return {requested("tok_hang")};
    case payment_status::authorized:
      return {requested(), authorized};
    case payment_status::declined:
      return {requested("tok_decline"), payment_declined{"o1", "card_declined"}};
    case payment_status::voided:
      return {requested("tok_hang"), payment_voided{"o1"}};
    case payment_status::captured:
      return {requested(), authorized, payment_captured{"o1", 1000}};
    case payment_status::refunded:
      return {requested(), authorized, payment_captured{"o1", 1000}, payment_refunded{"o1", 1000}};
  }
  return {};
}

constexpr std::array statuses{payment_status::none,       payment_status::pending,
                              payment_status::authorized, payment_status::declined,
                              payment_status::voided,     payment_status::captured,
                              payment_status::refunded};

// ok: events; noop: no events; nf: not_found; is: invalid_state (with the status).
// Columns: none, pending, authorized, declined, voided, captured, refunded.
struct row {
  command cmd;
  std::array<std::string_view, 7> outcome;
};

const std::array<row, 4>& table() {
  // Kept as a table: one row per command, one column per status.
  // clang-format off
  static const std::array<row, 4> rows{{
      //                                 none    pend    auth    decl    void    capt    refd
      {authorize{"o1", 1000, "tok_ok"}, {"ok",   "noop", "noop", "noop", "is",   "is",   "is"}},
      {void_payment{},                  {"nf",   "ok",   "ok",   "noop", "noop", "is",   "is"}},
      {capture{},                       {"nf",   "is",   "ok",   "is",   "is",   "noop", "is"}},
      {refund{},                        {"nf",   "is",   "is",   "is",   "is",   "ok",   "noop"}},
  }};
  // clang-format on
  return rows;
}

struct cell {
  std::size_t command_index;
  std::size_t status_index;
};

std::vector<cell> all_cells() {
  std::vector<cell> cells;
  for (std::size_t c = 0; c < table().size(); ++c) {
    for (std::size_t s = 0; s < statuses.size(); ++s) cells.push_back({c, s});
  }
  return cells;
}

std::string capitalized(std::string_view word) {
  std::string out(word);
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string outcome_name(std::string_view outcome) {
  if (outcome == "ok") return "Accepted";
  if (outcome == "noop") return "ANoOp";
  if (outcome == "nf") return "NotFound";
  return "InvalidState";
}

class PaymentStatusMatrix : public ::testing::TestWithParam<cell> {};

TEST_P(PaymentStatusMatrix, FollowsTheStatusMachine) {
  const row& r = table()[GetParam().command_index];
  const payment_status status = statuses[GetParam().status_index];
  const std::string_view outcome = r.outcome[GetParam().status_index];
  auto s = given(history_in(status));
  ASSERT_EQ(s.before().status, status);
  s.when(r.cmd);
  if (outcome == "ok") {
    EXPECT_NE(s.and_state().status, status);
  } else if (outcome == "noop") {
    s.then();
  } else if (outcome == "nf") {
    s.then_error(error_code::not_found);
  } else {
    EXPECT_EQ(s.then_error(error_code::invalid_state).status, to_string(status));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCommandInEveryStatus, PaymentStatusMatrix,
                         ::testing::ValuesIn(all_cells()),
                         [](const ::testing::TestParamInfo<cell>& info) {
                           const row& r = table()[info.param.command_index];
                           return capitalized(command_name(r.cmd)) + "In" +
                                  capitalized(to_string(statuses[info.param.status_index])) + "Is" +
                                  outcome_name(r.outcome[info.param.status_index]);
                         });

}  // namespace
}  // namespace ordo::domain::testing
