// Saga histories that the saga specifications share: the fulfillment of order o1, three skus
// (w1 x2, w2 x1, w3 x5), 4 200 cents paid with tok_ok, steps of 5 s.
#pragma once

#include <string>
#include <vector>

#include "given_when_then.hpp"

namespace ordo::domain::testing {

inline constexpr std::int64_t step_ms = 5'000;
inline constexpr timestamp given_deadline = history_time + step_ms;  // deadlines in the history
inline constexpr timestamp next_deadline = command_time + step_ms;   // deadlines decide() sets

inline std::vector<saga::line> three_items() {
  return {{"w1", 2}, {"w2", 1}, {"w3", 5}};
}

inline saga::start start_command() {
  return {"o1", three_items(), 4'200, "tok_ok", step_ms};
}

inline saga::saga_started saga_started_event() {
  return {"o1", three_items(), 4'200, "tok_ok", step_ms, given_deadline};
}

inline saga::saga_step_entered entered(saga::saga_step step) {
  return {std::string(saga::to_string(step)), given_deadline, {}, false};
}

inline saga::saga_step_entered entered_compensating(std::string_view outcome, bool reject,
                                                    timestamp deadline = given_deadline) {
  return {"compensating", deadline, std::string(outcome), reject};
}

// The events decide() answers with when it enters a step at command_time.
inline saga::saga_step_entered enters(saga::saga_step step) {
  return {std::string(saga::to_string(step)), next_deadline, {}, false};
}

inline saga::saga_step_entered enters_compensating(std::string_view outcome, bool reject) {
  return entered_compensating(outcome, reject, next_deadline);
}

inline std::vector<saga::event> reserving_history() {
  return {saga_started_event()};
}

inline std::vector<saga::event> authorizing_history() {
  return {saga_started_event(), saga::saga_sku_reserved{"w1"}, saga::saga_sku_reserved{"w2"},
          saga::saga_sku_reserved{"w3"}, entered(saga::saga_step::authorizing)};
}

inline std::vector<saga::event> confirming_history() {
  auto h = authorizing_history();
  h.push_back(saga::saga_payment_recorded{"authorized", false});
  h.push_back(entered(saga::saga_step::confirming));
  return h;
}

inline std::vector<saga::event> awaiting_shipment_history() {
  auto h = confirming_history();
  h.push_back(saga::saga_finished{"confirmed"});
  return h;
}

inline std::vector<saga::event> shipping_history() {
  auto h = awaiting_shipment_history();
  h.push_back(entered(saga::saga_step::shipping));
  return h;
}

// One sku out of stock while reserving: nothing was paid, the order is to be rejected.
inline std::vector<saga::event> out_of_stock_history() {
  return {saga_started_event(), saga::saga_sku_reserved{"w1"},
          entered_compensating("out_of_stock", true)};
}

// The customer cancelled a confirmed order: the authorization is voided, the order left alone.
inline std::vector<saga::event> cancelled_after_confirming_history() {
  auto h = awaiting_shipment_history();
  h.push_back(entered_compensating("cancelled", false));
  return h;
}

// Every command but start, for "no events" and "not found" sweeps.
inline std::vector<saga::command> every_command_but_start() {
  using namespace saga;
  return {stock_reserved{"w1"},
          stock_unavailable{"w1"},
          stock_released{"w1"},
          stock_shipped{"w1"},
          payment_result{"authorized"},
          payment_result{"declined"},
          payment_result{"voided"},
          payment_result{"captured"},
          order_result{"confirmed"},
          order_result{"rejected"},
          order_result{"cancelled"},
          order_result{"shipped"},
          order_cancelled{},
          order_shipped{},
          timeout{"reserving", 0},
          timeout{"done", 0}};
}

// The state after `history`, applied at history_time.
inline saga::state saga_state(const std::vector<saga::event>& history) {
  saga::state s;
  for (const auto& e : history) saga::evolve(s, e, history_time);
  return s;
}

}  // namespace ordo::domain::testing
