// The API's event envelope: {"stream", "version", "position", "type", "schema_version",
// "timestamp", "correlation_id", "causation_id", "command_id", "data"}.
#pragma once

#include <nlohmann/json.hpp>

#include "persistence/event_record.hpp"

namespace ordo::readmodel {

// `data` is the stored JSON as written (at its schema_version); text that is not JSON is shown as
// a string rather than dropped.
nlohmann::json event_envelope_json(const persistence::recorded_event& e);

}  // namespace ordo::readmodel
