// What of a data directory `ordo export` carries beyond the events, and how import and verify
// judge it. The kv store holds two kinds of records:
//   derived: read-model rows ("view/...") and their checkpoints ("checkpoint/..."), rebuilt from
//     the journal by any node that finds them missing: not exported;
//   node state: everything else (saga deadlines "deadline/<stream>", idempotency records
//     "idem/<key>" and their expiry index "idem-at/...", remembered command outcomes, ...):
//     nothing in the journal says what they hold, so they are exported record by record, whatever
//     their key, and a record family added later travels without changes here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "persistence/event_record.hpp"
#include "persistence/verify.hpp"

namespace ordo::app::offline {

bool is_derived_kv_record(std::string_view key);

// verify_options::check_kv_record: nullopt for derived records; for the families it knows (saga
// deadlines, idempotency records) whether the payload parses and, for a deadline, its stream.
std::optional<persistence::kv_record_verdict> node_state_verdict(
    std::string_view key, std::optional<std::string_view> payload);

// Why an imported event is not one this node knows: a stream of no known aggregate type, an
// unknown event type, or data its decider cannot decode.
std::optional<std::string> unknown_event_problem(const persistence::recorded_event& e);

}  // namespace ordo::app::offline
