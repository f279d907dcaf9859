// The outcome of a command or a state query, as the actors answer it and every layer reads it: one
// enum for every code a command_reply can carry (docs/API.md's error table names the same codes).
// Text only where it is rendered (HTTP problem bodies, metrics labels) or parsed back.
//
// The numeric values are persisted (remembered_commands' table in snapshots, command outcome
// records in the kv store) and travel between nodes: they never change, and a new code gets the
// next free value.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

#include "domain/result.hpp"

namespace ordo::domain {

enum class outcome : std::uint8_t {
  ok = 0,
  validation_failed = 1,     // the command's fields are wrong
  invalid_state = 2,         // not allowed in the aggregate's status (reply.status says which)
  not_found = 3,             // the aggregate (or an item in it), or its type, does not exist
  already_exists = 4,        // create on an aggregate that exists
  out_of_stock = 5,          // a reservation the stock cannot satisfy
  version_conflict = 6,      // expected_version did not match (reply.version is the actual one)
  unavailable = 7,           // not served now; nothing was applied
  overloaded = 8,            // too much in flight; nothing was applied
  outcome_unknown = 9,       // reached its aggregate, not answered: it may have been applied
  storage_unavailable = 10,  // the journal refused the write (a full disk); nothing was applied
  internal_error = 11,       // the node cannot answer because its own data fails a check (a
                             // sealed personal field that does not open: tampered)
};

// How many values `outcome` has; they are 0 .. outcome_count - 1.
inline constexpr std::size_t outcome_count = 12;

// The code's name as the API writes it ("ok", "validation_failed", ...); "unknown" for a value
// that is not an outcome (a corrupt or newer message).
std::string_view to_string(outcome code);
// The outcome named `name`; nullopt for any other text.
std::optional<outcome> parse_outcome(std::string_view name);
// The outcome of a value read from bytes (a record, a message); nullopt if it names none.
std::optional<outcome> outcome_from_value(std::uint8_t value);

// Whether the same command may succeed if sent again later: the node could not serve it now
// (unavailable, overloaded, storage_unavailable) or does not know what became of it
// (outcome_unknown, safe to resend under the same command id). Everything else is the answer.
constexpr bool is_transient(outcome code) {
  return code == outcome::unavailable || code == outcome::overloaded ||
         code == outcome::outcome_unknown || code == outcome::storage_unavailable;
}

// The outcome of a command the decider refused.
constexpr outcome outcome_of(error_code code) {
  switch (code) {
    case error_code::validation_failed:
      return outcome::validation_failed;
    case error_code::invalid_state:
      return outcome::invalid_state;
    case error_code::not_found:
      return outcome::not_found;
    case error_code::already_exists:
      return outcome::already_exists;
    case error_code::out_of_stock:
      return outcome::out_of_stock;
  }
  return outcome::validation_failed;
}

// For test output and log lines.
inline std::ostream& operator<<(std::ostream& out, outcome code) {
  return out << to_string(code);
}

}  // namespace ordo::domain
