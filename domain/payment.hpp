// The Payment aggregate (stream payment-<order id>): a simulated card gateway, one per order.
//
// Status machine: none -> pending (authorize sent) -> authorized | declined; pending|authorized
// -> voided; authorized -> captured -> refunded. The token decides the gateway's answer:
// tok_ok authorizes, tok_decline declines, tok_hang never answers (stays pending until voided).
//
// Idempotency, so that a retried saga step is harmless:
//   authorize when pending/authorized/declined, void when voided/declined, capture when captured
//   and refund when refunded all return no events.
// Refund is only from captured: an authorized payment holds no money yet, so it is voided.
// Checks run in the order: existence (not_found), fields (validation_failed), status.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.hpp"

namespace ordo::domain::payment {

inline constexpr std::array<std::string_view, 3> tokens{"tok_ok", "tok_decline", "tok_hang"};

enum class payment_status { none, pending, authorized, declined, voided, captured, refunded };

std::string_view to_string(payment_status status);
std::optional<payment_status> parse_payment_status(std::string_view text);

struct state {
  std::string order_id;
  payment_status status = payment_status::none;
  std::int64_t amount_cents = 0;
  std::optional<std::string> token;
  bool operator==(const state&) const = default;
};

// --- commands ---

struct authorize {
  static constexpr std::string_view name = "authorize";
  std::string order_id;
  std::int64_t amount_cents = 0;  // > 0
  std::string token;              // one of `tokens`
  bool operator==(const authorize&) const = default;
};

// `void` is a keyword; the command is called "void" everywhere outside C++.
struct void_payment {
  static constexpr std::string_view name = "void";
  bool operator==(const void_payment&) const = default;
};

struct capture {
  static constexpr std::string_view name = "capture";
  bool operator==(const capture&) const = default;
};

struct refund {
  static constexpr std::string_view name = "refund";
  bool operator==(const refund&) const = default;
};

using command = std::variant<authorize, void_payment, capture, refund>;

// --- events ---

struct payment_requested {
  static constexpr std::string_view type_name = "PaymentRequested";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::int64_t amount_cents = 0;
  std::string token;
  bool operator==(const payment_requested&) const = default;
};

struct payment_authorized {
  static constexpr std::string_view type_name = "PaymentAuthorized";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::int64_t amount_cents = 0;
  bool operator==(const payment_authorized&) const = default;
};

struct payment_declined {
  static constexpr std::string_view type_name = "PaymentDeclined";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::string reason;  // the gateway's words, e.g. "card_declined"
  bool operator==(const payment_declined&) const = default;
};

struct payment_voided {
  static constexpr std::string_view type_name = "PaymentVoided";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  bool operator==(const payment_voided&) const = default;
};

struct payment_captured {
  static constexpr std::string_view type_name = "PaymentCaptured";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::int64_t amount_cents = 0;
  bool operator==(const payment_captured&) const = default;
};

struct payment_refunded {
  static constexpr std::string_view type_name = "PaymentRefunded";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::int64_t amount_cents = 0;
  bool operator==(const payment_refunded&) const = default;
};

using event = std::variant<payment_requested, payment_authorized, payment_declined, payment_voided,
                           payment_captured, payment_refunded>;

// --- the decider ---

// authorize on none answers at once: PaymentRequested plus PaymentAuthorized (tok_ok) or
// PaymentDeclined (tok_decline); tok_hang gives PaymentRequested only.
result<std::vector<event>> decide(const state& s, const command& cmd, timestamp now);
// Total: never fails, never validates.
void evolve(state& s, const event& e, timestamp at);

std::string_view command_name(const command& cmd);
std::string_view event_type(const event& e);

}  // namespace ordo::domain::payment
