#include "domain/saga.hpp"

#include <algorithm>
#include <limits>

#include "domain/payment.hpp"
#include "domain/validation.hpp"

namespace ordo::domain::saga {

namespace {

using events = std::vector<event>;

// now + timeout_ms, saturating: a huge timeout means "never", not a deadline in the past.
// A step that keeps being retried waits twice as long each time, up to max_retry_delay_ms: a
// target that stays unreachable costs a few events a minute, not two a second.
std::int64_t retry_delay(const state& s) {
  constexpr std::int64_t max_retry_delay_ms = 60'000;
  auto delay = s.step_timeout_ms;
  for (std::uint32_t i = 0; i < s.attempt && delay < max_retry_delay_ms; ++i) delay *= 2;
  return std::max(s.step_timeout_ms, std::min(delay, max_retry_delay_ms));
}

timestamp deadline_after(timestamp now, std::int64_t timeout_ms) {
  if (timeout_ms > std::numeric_limits<timestamp>::max() - now) {
    return std::numeric_limits<timestamp>::max();
  }
  return now + timeout_ms;
}

bool is_item(const state& s, std::string_view sku) {
  return std::ranges::find(s.items, sku, &line::sku) != s.items.end();
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> candidates) {
  return std::ranges::find(candidates, value) != candidates.end();
}

saga_step_entered enter(const state& s, saga_step step, timestamp now) {
  return {std::string(to_string(step)), deadline_after(now, s.step_timeout_ms), {}, false};
}

saga_step_entered compensate(const state& s, std::string_view outcome, bool reject_order,
                             timestamp now) {
  return {std::string(to_string(saga_step::compensating)), deadline_after(now, s.step_timeout_ms),
          std::string(outcome), reject_order};
}

// Compensating or shipping: every sku, the payment (if one was requested) and, when compensation
// rejects the order, the order are done with.
bool all_settled(const state& s) {
  const bool skus =
      std::ranges::all_of(s.items, [&](const line& item) { return s.settled.contains(item.sku); });
  const bool payment = !s.payment_requested || s.payment_settled;
  const bool order = s.step != saga_step::compensating || !s.reject_order || s.order_settled;
  return skus && payment && order;
}

// Appends SagaFinished when `out` leaves the compensating or shipping step with nothing to do.
events finish_if_settled(const state& s, events out, timestamp now) {
  state after = s;
  for (const event& e : out) evolve(after, e, now);
  if (all_settled(after)) {
    out.push_back(
        saga_finished{s.step == saga_step::shipping ? std::string(outcome_shipped) : s.outcome});
  }
  return out;
}

result<events> on(const state& s, const start& c, timestamp now) {
  if (s.status != saga_status::none) return events{};  // OrderPlaced delivered again
  field_checks check;
  check.id("order_id", c.order_id);
  if (c.items.empty()) check.add("items", "must not be empty");
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    const std::string prefix = "items[" + std::to_string(i) + "].";
    check.id(prefix + "sku", c.items[i].sku);
    check.range(prefix + "quantity", c.items[i].quantity, 1,
                std::numeric_limits<std::int64_t>::max());
    const auto first = std::ranges::find(c.items, c.items[i].sku, &line::sku);
    if (first != c.items.begin() + static_cast<std::ptrdiff_t>(i)) {
      check.add(prefix + "sku", "repeats " + c.items[i].sku + " of items[" +
                                    std::to_string(first - c.items.begin()) + "]");
    }
  }
  if (c.total_cents <= 0) check.add("total_cents", "must be greater than 0");
  check.one_of("payment_token", c.payment_token, payment::tokens);
  if (c.step_timeout_ms < min_step_timeout_ms) {
    check.add("step_timeout_ms", "must be at least " + std::to_string(min_step_timeout_ms));
  }
  if (!check.ok()) return check.failure();
  return events{saga_started{c.order_id, c.items, c.total_cents, c.payment_token, c.step_timeout_ms,
                             deadline_after(now, c.step_timeout_ms)}};
}

result<events> on(const state& s, const stock_reserved& c, timestamp now) {
  if (s.step != saga_step::reserving || !is_item(s, c.sku) || s.reserved.contains(c.sku)) {
    return events{};
  }
  events out{saga_sku_reserved{c.sku}};
  const bool last = std::ranges::all_of(s.items, [&](const line& item) {
    return item.sku == c.sku || s.reserved.contains(item.sku);
  });
  if (last) out.push_back(enter(s, saga_step::authorizing, now));
  return out;
}

result<events> on(const state& s, const stock_unavailable& c, timestamp now) {
  if (s.step != saga_step::reserving || !is_item(s, c.sku) || s.reserved.contains(c.sku)) {
    return events{};
  }
  return events{compensate(s, outcome_out_of_stock, true, now)};
}

// Released (compensating) or shipped (shipping): one sku less to settle.
result<events> settle_sku(const state& s, saga_step step, const std::string& sku, timestamp now) {
  if (s.step != step || !is_item(s, sku) || s.settled.contains(sku)) return events{};
  return finish_if_settled(s, events{saga_sku_settled{sku}}, now);
}

result<events> on(const state& s, const stock_released& c, timestamp now) {
  return settle_sku(s, saga_step::compensating, c.sku, now);
}

result<events> on(const state& s, const stock_shipped& c, timestamp now) {
  return settle_sku(s, saga_step::shipping, c.sku, now);
}

result<events> on(const state& s, const payment_result& c, timestamp now) {
  switch (s.step) {
    case saga_step::authorizing:
      if (c.status == "authorized") {
        return events{saga_payment_recorded{c.status, false}, enter(s, saga_step::confirming, now)};
      }
      if (c.status == "declined") {
        return events{saga_payment_recorded{c.status, false},
                      compensate(s, outcome_payment_declined, true, now)};
      }
      return events{};  // pending: the deadline decides
    case saga_step::compensating:
      if (!s.payment_requested || s.payment_settled) return events{};
      if (one_of(c.status, {"voided", "declined", "refunded", "none"})) {
        return finish_if_settled(s, events{saga_payment_recorded{c.status, true}}, now);
      }
      // Captured before the void arrived: the money is taken, so it is refunded instead.
      if (c.status == "captured" && s.payment_status != "captured") {
        return events{saga_payment_recorded{c.status, false}};
      }
      return events{};
    case saga_step::shipping:
      if (s.payment_settled) return events{};
      // Captured, or nothing is held that could be captured.
      if (one_of(c.status, {"captured", "refunded", "voided", "declined", "none"})) {
        return finish_if_settled(s, events{saga_payment_recorded{c.status, true}}, now);
      }
      return events{};
    default:
      return events{};
  }
}

result<events> on(const state& s, const order_result& c, timestamp now) {
  if (s.step == saga_step::confirming) {
    if (c.status == "confirmed") return events{saga_finished{std::string(outcome_confirmed)}};
    if (c.status == "cancelled") return events{compensate(s, outcome_cancelled, false, now)};
    if (c.status == "shipped") return events{enter(s, saga_step::shipping, now)};
    return events{};
  }
  // An order still placed is not settled: the next retry rejects it again.
  if (s.step == saga_step::compensating && s.reject_order && !s.order_settled &&
      !c.status.empty() && c.status != "placed") {
    return finish_if_settled(s, events{saga_order_settled{c.status}}, now);
  }
  return events{};
}

result<events> on(const state& s, const order_cancelled&, timestamp now) {
  switch (s.step) {
    case saga_step::reserving:
    case saga_step::authorizing:
    case saga_step::confirming:
    case saga_step::awaiting_shipment:
      return events{compensate(s, outcome_cancelled, false, now)};
    default:
      return events{};
  }
}

result<events> on(const state& s, const order_shipped&, timestamp now) {
  if (s.step == saga_step::confirming || s.step == saga_step::awaiting_shipment) {
    return events{enter(s, saga_step::shipping, now)};
  }
  return events{};
}

result<events> on(const state& s, const timeout& c, timestamp now) {
  if (s.deadline == 0 || c.step != to_string(s.step) || c.attempt != s.attempt) return events{};
  switch (s.step) {
    case saga_step::reserving:
    case saga_step::authorizing:
      return events{compensate(s, outcome_payment_timeout, true, now)};
    case saga_step::confirming:
    case saga_step::compensating:
    case saga_step::shipping:
      return events{saga_step_retried{s.attempt + 1, deadline_after(now, retry_delay(s))}};
    default:
      return events{};
  }
}

void apply(state& s, const saga_started& e, timestamp at) {
  s = state{};
  s.order_id = e.order_id;
  s.status = saga_status::active;
  s.step = saga_step::reserving;
  s.items = e.items;
  s.total_cents = e.total_cents;
  s.payment_token = e.payment_token;
  s.step_timeout_ms = e.step_timeout_ms;
  s.started_at = at;
  s.step_started_at = at;
  s.deadline = e.deadline;
}

void apply(state& s, const saga_sku_reserved& e, timestamp) {
  s.reserved.insert(e.sku);
}

void apply(state& s, const saga_step_entered& e, timestamp at) {
  s.status = saga_status::active;
  s.step = parse_saga_step(e.step).value_or(s.step);
  s.outcome = e.outcome;
  s.reject_order = e.reject_order;
  if (s.step == saga_step::authorizing) s.payment_requested = true;
  s.settled.clear();
  s.payment_settled = false;
  s.order_settled = false;
  s.attempt = 0;
  s.step_started_at = at;
  s.deadline = e.deadline;
}

void apply(state& s, const saga_payment_recorded& e, timestamp) {
  s.payment_status = e.status;
  s.payment_settled = e.settled;
}

void apply(state& s, const saga_sku_settled& e, timestamp) {
  s.settled.insert(e.sku);
}

void apply(state& s, const saga_order_settled&, timestamp) {
  s.order_settled = true;
}

void apply(state& s, const saga_step_retried& e, timestamp) {
  s.attempt = e.attempt;
  s.deadline = e.deadline;
}

void apply(state& s, const saga_finished& e, timestamp at) {
  s.status = saga_status::finished;
  s.step = e.outcome == outcome_confirmed ? saga_step::awaiting_shipment : saga_step::done;
  s.outcome = e.outcome;
  s.attempt = 0;
  s.step_started_at = at;
  s.deadline = 0;
}

}  // namespace

std::string_view to_string(saga_status status) {
  switch (status) {
    case saga_status::none:
      return "none";
    case saga_status::active:
      return "active";
    case saga_status::finished:
      return "finished";
  }
  return "none";
}

std::string_view to_string(saga_step step) {
  switch (step) {
    case saga_step::none:
      return "none";
    case saga_step::reserving:
      return "reserving";
    case saga_step::authorizing:
      return "authorizing";
    case saga_step::confirming:
      return "confirming";
    case saga_step::awaiting_shipment:
      return "awaiting_shipment";
    case saga_step::compensating:
      return "compensating";
    case saga_step::shipping:
      return "shipping";
    case saga_step::done:
      return "done";
  }
  return "none";
}

std::optional<saga_status> parse_saga_status(std::string_view text) {
  for (auto status : {saga_status::none, saga_status::active, saga_status::finished}) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

std::optional<saga_step> parse_saga_step(std::string_view text) {
  for (auto step : {saga_step::none, saga_step::reserving, saga_step::authorizing,
                    saga_step::confirming, saga_step::awaiting_shipment, saga_step::compensating,
                    saga_step::shipping, saga_step::done}) {
    if (to_string(step) == text) return step;
  }
  return std::nullopt;
}

result<std::vector<event>> decide(const state& s, const command& cmd, timestamp now) {
  if (s.status == saga_status::none && !std::holds_alternative<start>(cmd)) {
    return fail(error_code::not_found, "saga does not exist");
  }
  return std::visit([&](const auto& c) { return on(s, c, now); }, cmd);
}

void evolve(state& s, const event& e, timestamp at) {
  std::visit([&](const auto& x) { apply(s, x, at); }, e);
}

std::string_view command_name(const command& cmd) {
  return std::visit([](const auto& c) { return c.name; }, cmd);
}

std::string_view event_type(const event& e) {
  return std::visit([](const auto& x) { return x.type_name; }, e);
}

}  // namespace ordo::domain::saga
