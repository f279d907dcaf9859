// The event envelope of export and import, one JSON object per line:
// {"stream", "version", "position", "type", "schema_version", "timestamp" (RFC 3339, ms),
//  "correlation_id", "causation_id", "command_id", "data"} — the shape of the HTTP API's events.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/event_json.hpp"
#include "persistence/event_record.hpp"

namespace ordo::app::offline {

// Writing an envelope is http::event_envelope_json (the API's events use the same shape).
// The inverse: the event an envelope describes, or why the line is not one. A string `data` is
// stored as its text (undoing envelope_json's rule), anything else as compact JSON, so that
// export -> import -> export gives the same bytes.
std::expected<persistence::recorded_event, std::string> parse_envelope(std::string_view line);

}  // namespace ordo::app::offline
