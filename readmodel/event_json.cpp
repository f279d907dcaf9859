#include "readmodel/event_json.hpp"

#include "domain/time_format.hpp"

namespace ordo::readmodel {

nlohmann::json event_envelope_json(const persistence::recorded_event& e) {
  auto data = nlohmann::json::parse(e.data, nullptr, /*allow_exceptions=*/false);
  return {{"stream", e.stream},
          {"version", e.version},
          {"position", e.position},
          {"type", e.type},
          {"schema_version", e.schema_version},
          {"timestamp", domain::format_rfc3339(e.timestamp_ms)},
          {"correlation_id", e.correlation_id},
          {"causation_id", e.causation_id},
          {"command_id", e.command_id},
          {"data", data.is_discarded() ? nlohmann::json(e.data) : data}};
}

}  // namespace ordo::readmodel
