// given(events...).when(command).then(events...) / .then_error(code): decider specifications in
// one line each. Failures print events as "Type {json}" through the decider's own codec.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "domain/deciders.hpp"

namespace ordo::domain::testing {

inline constexpr timestamp history_time = 1'700'000'000'000;  // when the given events happened
inline constexpr timestamp command_time = 1'700'000'060'000;  // when the command arrives

template <decider D>
std::string describe(const std::vector<typename D::event>& events) {
  std::string out = "[";
  for (const auto& e : events) {
    const encoded_event encoded = D::encode(e);
    out += (out.size() > 1 ? ", " : "") + encoded.type + " " + encoded.data;
  }
  return out + "]";
}

inline std::string describe(const error& e) {
  std::string out = std::string(to_string(e.code)) + " \"" + e.message + "\"";
  if (!e.status.empty()) out += " status=" + e.status;
  for (const field_error& f : e.fields) out += " [" + f.field + ": " + f.message + "]";
  return out;
}

template <decider D>
class scenario {
 public:
  using state = typename D::state;
  using command = typename D::command;
  using event = typename D::event;

  explicit scenario(std::vector<event> history) {
    for (const event& e : history) D::evolve(state_, e, history_time);
  }

  scenario& when(command c) {
    outcome_ = D::decide(state_, c, command_time);
    return *this;
  }

  // Expects exactly these events (none: an idempotent no-op).
  template <class... E>
  scenario& then(E... expected) {
    const std::vector<event> want{event(std::move(expected))...};
    if (!outcome_) {
      ADD_FAILURE() << "expected " << describe<D>(want) << "\n got error "
                    << describe(outcome_.error());
    } else {
      EXPECT_EQ(describe<D>(*outcome_), describe<D>(want));
      EXPECT_TRUE(*outcome_ == want);
    }
    return *this;
  }

  // Expects an error with this code and returns it for closer checks (status, fields).
  error then_error(error_code code) {
    if (outcome_) {
      ADD_FAILURE() << "expected " << to_string(code) << ", got " << describe<D>(*outcome_);
      return {};
    }
    EXPECT_EQ(to_string(outcome_.error().code), to_string(code)) << describe(outcome_.error());
    return outcome_.error();
  }

  // The state after the decided events were applied at command_time.
  state and_state() const {
    state s = state_;
    if (outcome_) {
      for (const event& e : *outcome_) D::evolve(s, e, command_time);
    }
    return s;
  }

  const state& before() const { return state_; }

 private:
  state state_;
  result<std::vector<event>> outcome_ = std::vector<event>{};
};

// given_for<D>(parts...): each part is an event or a std::vector of events (a prepared history).
template <decider D, class... Parts>
scenario<D> given_for(Parts&&... parts) {
  using event = typename D::event;
  std::vector<event> history;
  [[maybe_unused]] auto append = [&]<class P>(P&& part) {
    if constexpr (std::is_same_v<std::decay_t<P>, std::vector<event>>) {
      history.insert(history.end(), part.begin(), part.end());
    } else {
      history.push_back(event(std::forward<P>(part)));
    }
  };
  (append(std::forward<Parts>(parts)), ...);
  return scenario<D>(std::move(history));
}

// The JSON paths of an error's field list, e.g. {"items[0].quantity", "sku"}.
inline std::vector<std::string> fields_of(const error& e) {
  std::vector<std::string> out;
  for (const field_error& f : e.fields) out.push_back(f.field);
  return out;
}

}  // namespace ordo::domain::testing
