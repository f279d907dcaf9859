#include "app/offline/envelope.hpp"

#include <limits>

#include "domain/time_format.hpp"

namespace ordo::app::offline {

namespace {

using json = nlohmann::json;

std::expected<const json*, std::string> field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return std::unexpected(std::string("missing \"") + name + "\"");
  return &*it;
}

std::expected<std::string, std::string> text(const json& object, const char* name) {
  auto value = field(object, name);
  if (!value) return std::unexpected(value.error());
  if (!(*value)->is_string())
    return std::unexpected(std::string("\"") + name + "\" is not a string");
  return (*value)->get<std::string>();
}

std::expected<std::uint64_t, std::string> number(const json& object, const char* name,
                                                 std::uint64_t max) {
  auto value = field(object, name);
  if (!value) return std::unexpected(value.error());
  if (!(*value)->is_number_unsigned() || (*value)->get<std::uint64_t>() > max)
    return std::unexpected(std::string("\"") + name + "\" is not a count in range");
  return (*value)->get<std::uint64_t>();
}

}  // namespace

std::expected<persistence::recorded_event, std::string> parse_envelope(std::string_view line) {
  auto object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return std::unexpected("not a JSON object");
  persistence::recorded_event e;
  auto stream = text(object, "stream");
  auto version = number(object, "version", std::numeric_limits<std::uint64_t>::max());
  auto position = number(object, "position", std::numeric_limits<std::uint64_t>::max());
  auto type = text(object, "type");
  auto schema = number(object, "schema_version", std::numeric_limits<std::uint32_t>::max());
  auto timestamp = text(object, "timestamp");
  auto correlation = text(object, "correlation_id");
  auto causation = text(object, "causation_id");
  auto command = text(object, "command_id");
  auto data = field(object, "data");
  for (auto* failed : {&stream, &type, &timestamp, &correlation, &causation, &command}) {
    if (!*failed) return std::unexpected(failed->error());
  }
  for (auto* failed : {&version, &position, &schema}) {
    if (!*failed) return std::unexpected(failed->error());
  }
  if (!data) return std::unexpected(data.error());
  auto at = domain::parse_rfc3339(*timestamp);
  if (!at) return std::unexpected("\"timestamp\" is not an RFC 3339 date-time");
  e.stream = std::move(*stream);
  e.version = *version;
  e.position = *position;
  e.type = std::move(*type);
  e.schema_version = static_cast<std::uint32_t>(*schema);
  e.timestamp_ms = *at;
  e.correlation_id = std::move(*correlation);
  e.causation_id = std::move(*causation);
  e.command_id = std::move(*command);
  e.data = (*data)->is_string() ? (*data)->get<std::string>()
                                : (*data)->dump(-1, ' ', false, json::error_handler_t::replace);
  return e;
}

}  // namespace ordo::app::offline
