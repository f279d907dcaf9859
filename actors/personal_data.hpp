// An aggregate's personal data (domain/personal_data.hpp): sealed in its events before they are
// stored, so that its state, its snapshots and the replies it remembers hold only sealed values,
// and opened in each reply as it leaves the aggregate, on the node that holds the customer's key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "domain/deciders.hpp"
#include "persistence/personal_data.hpp"

namespace ordo::actors {

template <class D>
concept has_personal_data = requires(typename D::event& e, typename D::state& s,
                                     const domain::personal_field_visitor& visit) {
  D::visit_personal_fields(e, visit);
  D::visit_personal_fields(s, visit);
};

// Seals every personal field of `events` in place; why not when a key cannot be had or written
// (nothing is sealed for sure then: the caller must not store the events).
template <domain::decider D>
std::optional<std::string> seal_personal_data(persistence::personal_data_keys* keys,
                                              std::vector<typename D::event>& events) {
  if constexpr (has_personal_data<D>) {
    if (!keys) return std::nullopt;
    std::optional<std::string> failure;
    for (auto& e : events) {
      D::visit_personal_fields(
          e, [&](std::string_view customer, std::string_view field, std::string& value) {
            if (failure) return;
            auto sealed = keys->seal(customer, field, value);
            if (sealed)
              value = std::move(*sealed);
            else
              failure = "personal data cannot be sealed now: " + sealed.error().message;
          });
    }
    return failure;
  } else {
    return std::nullopt;
  }
}

// Opens the personal fields of the state a reply carries (plaintext, or "[erased]"); a state
// that does not open (tampered) turns the reply into internal_error, never shown as data.
void open_personal_data(persistence::personal_data_keys* keys, command_reply& reply);

}  // namespace ordo::actors
