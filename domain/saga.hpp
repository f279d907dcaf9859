// The OrderFulfillment saga (stream saga-<order id>, aggregate type "saga"): drives a placed order
// through stock reservation and payment to confirmed, or compensates to rejected.
//
// The saga is an event-sourced aggregate like the others, plus two pure functions that the actor
// layer runs after every durable change:
//   next_actions(s)  the commands the saga wants sent now (to stock, payment and order
//                    aggregates), each with a deterministic command id (saga id + step + sku),
//                    so that sending one twice, after a crash or a retry, is harmless;
//   interpret(...)   turns the answer to one of those commands into a command for the saga
//                    itself (stock_reserved, payment_result, ...), which decide() records.
// and wake_up(s), the step deadline as a command to itself ("timeout"), which the actor layer
// stores durably in the same batch as the event that set it.
//
// Steps (status active unless said otherwise):
//   reserving     reserve every sku;   all reserved -> authorizing; one unavailable ->
//                 compensating(out_of_stock); deadline -> compensating(payment_timeout)
//   authorizing   authorize the total; authorized -> confirming; declined ->
//                 compensating(payment_declined); pending: wait; deadline ->
//                 compensating(payment_timeout)
//   confirming    confirm the order;   confirmed -> awaiting_shipment (status finished, outcome
//                 confirmed); the order turned out cancelled -> compensating(cancelled)
//   awaiting_shipment   nothing to do (status finished); OrderCancelled -> compensating(cancelled),
//                 OrderShipped -> shipping
//   compensating  release every sku, void the payment (refund it if it was captured) when one was
//                 requested, then, if the saga rejects the order (not when the customer
//                 cancelled it), reject the order with the outcome as reason -> done (finished)
//   shipping      ship every sku's reservation, capture the payment -> done (finished, shipped)
// OrderCancelled while reserving, authorizing or confirming -> compensating(cancelled).
// Steps after awaiting_shipment cannot time out; their deadline only makes the actor layer send
// the step's commands again (timeout -> SagaStepRetried), in case an answer was lost.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/order.hpp"
#include "domain/process.hpp"
#include "domain/result.hpp"

namespace ordo::domain::saga {

inline constexpr std::uint32_t snapshot_schema = 1;
inline constexpr std::int64_t min_step_timeout_ms = 1;

enum class saga_status { none, active, finished };
enum class saga_step {
  none,
  reserving,
  authorizing,
  confirming,
  awaiting_shipment,
  compensating,
  shipping,
  done
};

// Outcomes, as the API and the metrics name them: "confirmed", "out_of_stock",
// "payment_declined", "payment_timeout", "cancelled", "shipped".
inline constexpr std::string_view outcome_confirmed = "confirmed";
inline constexpr std::string_view outcome_out_of_stock = "out_of_stock";
inline constexpr std::string_view outcome_payment_declined = "payment_declined";
inline constexpr std::string_view outcome_payment_timeout = "payment_timeout";
inline constexpr std::string_view outcome_cancelled = "cancelled";
inline constexpr std::string_view outcome_shipped = "shipped";

std::string_view to_string(saga_status status);
std::string_view to_string(saga_step step);
std::optional<saga_status> parse_saga_status(std::string_view text);
std::optional<saga_step> parse_saga_step(std::string_view text);

struct line {
  std::string sku;
  std::int64_t quantity = 0;
  bool operator==(const line&) const = default;
};

struct state {
  std::string order_id;  // the saga's id is the order's id
  saga_status status = saga_status::none;
  saga_step step = saga_step::none;
  std::vector<line> items;  // distinct skus, in the order's order
  std::int64_t total_cents = 0;
  std::string payment_token;
  std::int64_t step_timeout_ms = 0;  // from the start command, so replays decide alike
  std::string outcome;               // while compensating: the outcome it will finish with
  bool reject_order = false;         // compensating ends by rejecting the order
  bool payment_requested = false;    // authorize was sent: compensation voids (or refunds)
  std::string payment_status;        // last known: "", pending, authorized, declined, captured...
  std::set<std::string> reserved;    // reserving: skus the stock granted
  std::set<std::string> settled;     // compensating/shipping: skus released or shipped
  bool payment_settled = false;      // compensating/shipping: voided/refunded/captured/nothing held
  bool order_settled = false;        // compensating: the order is rejected (or was cancelled)
  std::uint32_t attempt = 0;         // times the current step's deadline passed and it retried
  timestamp started_at = 0;
  timestamp step_started_at = 0;
  timestamp deadline = 0;  // 0: none
  bool operator==(const state&) const = default;
};

// --- commands (all addressed to saga-<order id>; their JSON forms are in command_json) ---

// From OrderPlaced, through the event bus. Starting a saga that exists is a no-op.
struct start {
  static constexpr std::string_view name = "start";
  std::string order_id;
  std::vector<line> items;
  std::int64_t total_cents = 0;
  std::string payment_token;
  std::int64_t step_timeout_ms = 0;  // >= min_step_timeout_ms
  bool operator==(const start&) const = default;
};

struct stock_reserved {
  static constexpr std::string_view name = "stock_reserved";
  std::string sku;
  bool operator==(const stock_reserved&) const = default;
};

struct stock_unavailable {
  static constexpr std::string_view name = "stock_unavailable";
  std::string sku;
  bool operator==(const stock_unavailable&) const = default;
};

struct stock_released {
  static constexpr std::string_view name = "stock_released";
  std::string sku;
  bool operator==(const stock_released&) const = default;
};

struct stock_shipped {
  static constexpr std::string_view name = "stock_shipped";
  std::string sku;
  bool operator==(const stock_shipped&) const = default;
};

// The payment's status after an authorize, void, refund or capture: "none" (no payment),
// "pending", "authorized", "declined", "voided", "captured", "refunded".
struct payment_result {
  static constexpr std::string_view name = "payment_result";
  std::string status;
  bool operator==(const payment_result&) const = default;
};

// The order's status after a confirm or reject: "confirmed", "rejected", "cancelled", "shipped"...
struct order_result {
  static constexpr std::string_view name = "order_result";
  std::string status;
  bool operator==(const order_result&) const = default;
};

// From OrderCancelled (placed or confirmed) and OrderShipped, through the event bus.
struct order_cancelled {
  static constexpr std::string_view name = "order_cancelled";
  bool operator==(const order_cancelled&) const = default;
};

struct order_shipped {
  static constexpr std::string_view name = "order_shipped";
  bool operator==(const order_shipped&) const = default;
};

// The step's deadline passed. Ignored unless `step` and `attempt` name the current step and
// attempt (a deadline that fired late, after the saga moved on, changes nothing).
struct timeout {
  static constexpr std::string_view name = "timeout";
  std::string step;
  std::uint32_t attempt = 0;
  bool operator==(const timeout&) const = default;
};

using command = std::variant<start, stock_reserved, stock_unavailable, stock_released,
                             stock_shipped, payment_result, order_result, order_cancelled,
                             order_shipped, timeout>;

// --- events ---

struct saga_started {
  static constexpr std::string_view type_name = "SagaStarted";
  static constexpr std::uint32_t schema_version = 1;
  std::string order_id;
  std::vector<line> items;
  std::int64_t total_cents = 0;
  std::string payment_token;
  std::int64_t step_timeout_ms = 0;
  timestamp deadline = 0;  // of the reserving step
  bool operator==(const saga_started&) const = default;
};

struct saga_sku_reserved {
  static constexpr std::string_view type_name = "SagaSkuReserved";
  static constexpr std::uint32_t schema_version = 1;
  std::string sku;
  bool operator==(const saga_sku_reserved&) const = default;
};

// Enters `step`: clears settled/payment_settled/order_settled and attempt. For compensating,
// `outcome` and `reject_order` say how it will end; awaiting_shipment and done are entered by
// saga_finished instead.
struct saga_step_entered {
  static constexpr std::string_view type_name = "SagaStepEntered";
  static constexpr std::uint32_t schema_version = 1;
  std::string step;
  timestamp deadline = 0;
  std::string outcome;
  bool reject_order = false;
  bool operator==(const saga_step_entered&) const = default;
};

struct saga_payment_recorded {
  static constexpr std::string_view type_name = "SagaPaymentRecorded";
  static constexpr std::uint32_t schema_version = 1;
  std::string status;
  bool settled = false;  // compensating/shipping: the payment needs nothing more
  bool operator==(const saga_payment_recorded&) const = default;
};

// compensating: the sku's reservation is released; shipping: it is shipped.
struct saga_sku_settled {
  static constexpr std::string_view type_name = "SagaSkuSettled";
  static constexpr std::uint32_t schema_version = 1;
  std::string sku;
  bool operator==(const saga_sku_settled&) const = default;
};

struct saga_order_settled {
  static constexpr std::string_view type_name = "SagaOrderSettled";
  static constexpr std::uint32_t schema_version = 1;
  std::string status;  // the order's status: rejected, cancelled, ...
  bool operator==(const saga_order_settled&) const = default;
};

struct saga_step_retried {
  static constexpr std::string_view type_name = "SagaStepRetried";
  static constexpr std::uint32_t schema_version = 1;
  std::uint32_t attempt = 0;  // the new attempt number
  timestamp deadline = 0;
  bool operator==(const saga_step_retried&) const = default;
};

// Status finished: step awaiting_shipment for outcome confirmed, done for every other outcome.
struct saga_finished {
  static constexpr std::string_view type_name = "SagaFinished";
  static constexpr std::uint32_t schema_version = 1;
  std::string outcome;
  bool operator==(const saga_finished&) const = default;
};

using event = std::variant<saga_started, saga_sku_reserved, saga_step_entered,
                           saga_payment_recorded, saga_sku_settled, saga_order_settled,
                           saga_step_retried, saga_finished>;

// --- the decider ---

// `now` sets deadlines: now + step_timeout_ms. Commands that do not apply to the current step
// return no events (they are late answers or repeats); commands on a saga that was never started
// (other than start) are not_found.
result<std::vector<event>> decide(const state& s, const command& cmd, timestamp now);
// Total: never fails, never validates.
void evolve(state& s, const event& e, timestamp at);

std::string_view command_name(const command& cmd);
std::string_view event_type(const event& e);

// --- what the actor layer runs ---

// Commands from next_actions go to stock/payment/order aggregates; those from interpret,
// on_order_event and wake_up go to the saga itself. Command ids are deterministic:
// "saga-<order id>:<step or answer>:<command>[:<sku>]".
using outgoing = outgoing_command;

// The commands the saga wants sent in its current state (empty when it waits or is finished).
// Sending any of them again is harmless: the command ids are deterministic and the target
// aggregates treat repeats as no-ops.
std::vector<outgoing> next_actions(const state& s);

// What the target of `action` answered: `code` is "ok" or an error code of the API
// (out_of_stock, invalid_state, not_found, validation_failed, ...); `status` is the target's
// status after the command (from its state on ok, from the error on invalid_state; empty if
// unknown). Transient answers (unavailable, overloaded, timeouts) must not be passed here: the
// caller retries those. Returns the command that records the answer in the saga, or nullopt when
// there is nothing to record (e.g. a payment still pending).
std::optional<outgoing> interpret(const state& s, const outgoing& action, std::string_view code,
                                  std::string_view status);

// The current step's deadline as a timeout command to the saga itself; nullopt without one.
std::optional<scheduled_command> wake_up(const state& s);

// The saga command an order event calls for: OrderPlaced starts the saga (with this step
// timeout), OrderCancelled from placed or confirmed and OrderShipped tell it; nullopt otherwise.
std::optional<outgoing> on_order_event(const order::event& e, std::int64_t step_timeout_ms);

// False for an order event type on_order_event never acts on, so that the event bus's follower
// can skip it without decoding it (most order events are items added).
bool acts_on_order_event(std::string_view type);

}  // namespace ordo::domain::saga
