#include "domain/payment.hpp"

#include "domain/validation.hpp"

namespace ordo::domain::payment {

namespace {

using events = std::vector<event>;

std::unexpected<error> not_found() {
  return fail(error_code::not_found, "payment does not exist");
}

std::unexpected<error> wrong_status(const state& s, std::string_view command) {
  return fail(error_code::invalid_state,
              std::string(command) + " is not allowed when the payment is " +
                  std::string(to_string(s.status)),
              std::string(to_string(s.status)));
}

result<events> on(const state& s, const authorize& c) {
  field_checks check;
  check.id("order_id", c.order_id);
  if (c.amount_cents <= 0) check.add("amount_cents", "must be greater than 0");
  check.one_of("token", c.token, tokens);
  if (!check.ok()) return check.failure();
  switch (s.status) {
    case payment_status::none:
      break;
    case payment_status::pending:
    case payment_status::authorized:
    case payment_status::declined:
      return events{};  // the gateway was asked already; its answer stands
    default:
      return wrong_status(s, c.name);
  }
  events out{payment_requested{c.order_id, c.amount_cents, c.token}};
  if (c.token == "tok_ok") out.push_back(payment_authorized{c.order_id, c.amount_cents});
  if (c.token == "tok_decline") out.push_back(payment_declined{c.order_id, "card_declined"});
  return out;
}

result<events> on(const state& s, const void_payment& c) {
  switch (s.status) {
    case payment_status::none:
      return not_found();
    case payment_status::pending:
    case payment_status::authorized:
      return events{payment_voided{s.order_id}};
    case payment_status::voided:
    case payment_status::declined:
      return events{};  // nothing is held
    default:
      return wrong_status(s, c.name);
  }
}

result<events> on(const state& s, const capture& c) {
  switch (s.status) {
    case payment_status::none:
      return not_found();
    case payment_status::authorized:
      return events{payment_captured{s.order_id, s.amount_cents}};
    case payment_status::captured:
      return events{};
    default:
      return wrong_status(s, c.name);
  }
}

result<events> on(const state& s, const refund& c) {
  switch (s.status) {
    case payment_status::none:
      return not_found();
    case payment_status::captured:
      return events{payment_refunded{s.order_id, s.amount_cents}};
    case payment_status::refunded:
      return events{};
    default:
      return wrong_status(s, c.name);
  }
}

void apply(state& s, const payment_requested& e) {
  s.order_id = e.order_id;
  s.amount_cents = e.amount_cents;
  s.token = e.token;
  s.status = payment_status::pending;
}

void apply(state& s, const payment_authorized&) {
  s.status = payment_status::authorized;
}
void apply(state& s, const payment_declined&) {
  s.status = payment_status::declined;
}
void apply(state& s, const payment_voided&) {
  s.status = payment_status::voided;
}
void apply(state& s, const payment_captured&) {
  s.status = payment_status::captured;
}
void apply(state& s, const payment_refunded&) {
  s.status = payment_status::refunded;
}

}  // namespace

std::string_view to_string(payment_status status) {
  switch (status) {
    case payment_status::none:
      return "none";
    case payment_status::pending:
      return "pending";
    case payment_status::authorized:
      return "authorized";
    case payment_status::declined:
      return "declined";
    case payment_status::voided:
      return "voided";
    case payment_status::captured:
      return "captured";
    case payment_status::refunded:
      return "refunded";
  }
  return "none";
}

std::optional<payment_status> parse_payment_status(std::string_view text) {
  for (auto status : {payment_status::none, payment_status::pending, payment_status::authorized,
                      payment_status::declined, payment_status::voided, payment_status::captured,
                      payment_status::refunded}) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

result<std::vector<event>> decide(const state& s, const command& cmd, timestamp /*now*/) {
  return std::visit([&](const auto& c) { return on(s, c); }, cmd);
}

void evolve(state& s, const event& e, timestamp /*at*/) {
  std::visit([&](const auto& x) { apply(s, x); }, e);
}

std::string_view command_name(const command& cmd) {
  return std::visit([](const auto& c) { return c.name; }, cmd);
}

std::string_view event_type(const event& e) {
  return std::visit([](const auto& x) { return x.type_name; }, e);
}

}  // namespace ordo::domain::payment
