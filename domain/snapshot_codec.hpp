// The envelope of state snapshots: {"schema": N, "state": {...}} as compact JSON text. The
// aggregates' codecs fill in "state"; this checks the tag on the way back.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "domain/json_reader.hpp"
#include "domain/result.hpp"

namespace ordo::domain {

std::string write_snapshot(nlohmann::json state, std::uint32_t schema);

// The "state" object of a snapshot, or validation_failed naming the aggregate when the bytes are
// not JSON, not tagged, or tagged (or stored, per `schema`) with another schema than `expected`.
// Never throws.
result<nlohmann::json> read_snapshot(std::string_view bytes, std::uint32_t schema,
                                     std::uint32_t expected, std::string_view aggregate);

// A validation_failed error for a snapshot whose state cannot be read.
std::unexpected<error> unreadable_snapshot(std::string_view aggregate, std::uint32_t schema,
                                           std::string_view why,
                                           std::vector<field_error> fields = {});

// Reads a whole snapshot: the envelope, then the state with `read(json_reader&) -> State`.
template <class State, class Read>
result<State> load_snapshot(std::string_view bytes, std::uint32_t schema, std::uint32_t expected,
                            std::string_view aggregate, Read read) {
  auto object = read_snapshot(bytes, schema, expected, aggregate);
  if (!object) return std::unexpected(std::move(object.error()));
  std::vector<field_error> errors;
  json_reader reader(*object, errors, "state");
  State state = read(reader);
  if (!errors.empty()) {
    const std::string first = errors.front().field + ": " + errors.front().message;
    return unreadable_snapshot(aggregate, schema, first, std::move(errors));
  }
  return state;
}

}  // namespace ordo::domain
