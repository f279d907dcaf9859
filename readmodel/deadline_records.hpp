// The kv records of durable wake-ups: "deadline/<stream>" holds the one pending wake-up of an
// aggregate (when, and the command to send it then) as JSON {"due_ms", "type", "id", "command",
// "body", "command_id"}. Aggregates write it in the same batch as the events that set it
// (actors/deadline_store.hpp); the deadline scheduler loads them when the node starts, and
// `ordo verify` checks that each one is readable. No CAF here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/process.hpp"
#include "persistence/kv_store.hpp"
#include "persistence/result.hpp"

namespace ordo::readmodel {

inline constexpr std::string_view deadline_prefix = "deadline/";

std::string deadline_key(std::string_view stream);

// One stored wake-up: of the aggregate of `stream`.
struct stored_deadline {
  std::string stream;
  domain::scheduled_command wake_up;
  bool operator==(const stored_deadline&) const = default;
};

// The kv write that stores `wake_up` for `stream`, or deletes the stream's deadline (nullopt).
persistence::kv_write deadline_record_write(
    std::string_view stream, const std::optional<domain::scheduled_command>& wake_up);

// The deadline stored under `key` ("deadline/<stream>"), or nullopt when `value` is not one.
std::optional<stored_deadline> decode_deadline_record(std::string_view key, std::string_view value);

// Every stored deadline, in stream order. A value that cannot be read is reported on stderr and
// left out: one damaged key must not keep the other sagas from being woken.
persistence::result<std::vector<stored_deadline>> load_deadline_records(
    const persistence::kv_store& kv);

}  // namespace ordo::readmodel
