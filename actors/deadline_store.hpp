// Durable wake-ups as the actors see them: deadline_update, the message between an aggregate and
// the deadline scheduler, stored as the kv records of readmodel/deadline_records.hpp.
// Aggregates write it in the same batch as the events that set it, so a deadline exists exactly
// when the journal says it should; the deadline scheduler loads them all when the node starts.
#pragma once

#include <vector>

#include "actors/protocol.hpp"
#include "persistence/kv_store.hpp"
#include "persistence/result.hpp"
#include "readmodel/deadline_records.hpp"

namespace ordo::actors {

using readmodel::deadline_key;
using readmodel::deadline_prefix;

// The kv write that stores `update`, or deletes the stream's deadline when it is cancelled.
persistence::kv_write deadline_write(const deadline_update& update);

// Every stored deadline, in stream order, each with its command addressed to the aggregate itself
// (unreadable values are left out: readmodel::load_deadline_records).
persistence::result<std::vector<deadline_update>> load_deadlines(const persistence::kv_store& kv);

}  // namespace ordo::actors
