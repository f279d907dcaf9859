// An order as it was at a past version or time: its events from the journal folded with the
// order decider's evolve, up to the bound (GET /v1/orders/{id}/history).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "domain/result.hpp"
#include "persistence/journal.hpp"

namespace ordo::http {

// Exactly one of the two is set.
struct history_bound {
  std::optional<std::uint64_t> version;  // the state after this version
  std::optional<domain::timestamp> at;   // the state after the last event at or before this time
};

// The order's JSON (as GET /v1/orders/{id} shows it, with "version"), or nullopt when the order
// did not exist at the bound (or has no such version). An event that cannot be decoded is a
// `corrupt` storage error naming its stream and version.
persistence::result<std::optional<nlohmann::json>> order_as_of(const persistence::journal& journal,
                                                               std::string_view order_id,
                                                               const history_bound& bound);

}  // namespace ordo::http
