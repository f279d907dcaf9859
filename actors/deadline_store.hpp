// Durable wake-ups in the kv store: "deadline/<stream>" holds the one pending wake-up of an
// aggregate (when, and the command to send it then). Aggregates write it in the same batch as the
// events that set it, so a deadline exists exactly when the journal says it should; the deadline
// scheduler loads them all when the node starts. No CAF here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/protocol.hpp"
#include "persistence/journal.hpp"
#include "persistence/kv_store.hpp"
#include "persistence/result.hpp"

namespace ordo::actors {

inline constexpr std::string_view deadline_prefix = "deadline/";

std::string deadline_key(std::string_view stream);

// The kv write that stores `update`, or deletes the stream's deadline when it is cancelled.
persistence::kv_write deadline_write(const deadline_update& update);

// The deadline stored under `key` ("deadline/<stream>"), or nullopt when `value` is not one.
std::optional<deadline_update> decode_deadline(std::string_view key, std::string_view value);

// Every stored deadline, in stream order. A value that cannot be read is reported on stderr and
// left out: one damaged key must not keep the other sagas from being woken.
persistence::result<std::vector<deadline_update>> load_deadlines(const persistence::kv_store& kv);

}  // namespace ordo::actors
