#include "app/offline/envelope.hpp"

#include <cstdio>
#include <limits>

#include "domain/time_format.hpp"
#include "persistence/crc32c.hpp"

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

constexpr std::string_view crc_field = ",\"crc\":\"";

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// `object`'s compact JSON with ,"crc":"xxxxxxxx" before its closing brace, and a newline.
std::string sealed(const json& object) {
  auto text = dump(object);
  auto crc = persistence::crc32c(text);
  char field[9];
  std::snprintf(field, sizeof field, "%08x", static_cast<unsigned>(crc));
  text.pop_back();
  text.append(crc_field).append(field, 8).append("\"}\n");
  return text;
}

// The line's JSON without its crc field, once the CRC over those bytes matched.
std::expected<std::string, std::string> unsealed(std::string_view line) {
  auto at = line.rfind(crc_field);
  if (at == std::string_view::npos) return std::unexpected("the line has no \"crc\"");
  auto digits = line.substr(at + crc_field.size());
  if (digits.size() != 10 || !digits.ends_with("\"}"))
    return std::unexpected("\"crc\" is not the line's last field");
  std::uint32_t expected = 0;
  for (char c : digits.substr(0, 8)) {
    int nibble = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (nibble < 0) return std::unexpected("\"crc\" is not 8 hex digits");
    expected = expected << 4 | static_cast<std::uint32_t>(nibble);
  }
  std::string text(line.substr(0, at));
  text.push_back('}');
  if (persistence::crc32c(text) != expected)
    return std::unexpected("the line fails its CRC32C (damaged or edited)");
  return text;
}

// What JSON can carry as a string: nlohmann's own check, so that dump() never replaces a byte.
bool is_utf8(std::string_view bytes) {
  try {
    (void)json(std::string(bytes)).dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int value = 0;
    for (char c : hex.substr(i, 2)) {
      int nibble = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (nibble < 0) return std::nullopt;
      value = value * 16 + nibble;
    }
    out.push_back(static_cast<char>(value));
  }
  return out;
}

// A text field written as itself when it is UTF-8, else in hex under "<name>_hex".
void put_bytes(json& object, const std::string& name, std::string_view bytes) {
  if (is_utf8(bytes))
    object[name] = std::string(bytes);
  else
    object[name + "_hex"] = to_hex(bytes);
}

std::expected<std::string, std::string> get_bytes(const json& object, const std::string& name) {
  if (object.contains(name)) return text(object, name.c_str());
  auto hex = text(object, (name + "_hex").c_str());
  if (!hex) return std::unexpected("missing \"" + name + "\"");
  auto bytes = from_hex(*hex);
  if (!bytes) return std::unexpected("\"" + name + "_hex\" is not hex");
  return std::move(*bytes);
}

std::expected<persistence::recorded_event, std::string> envelope_of(const json& object);

std::expected<export_line, std::string> kv_of(const json& object) {
  auto key = get_bytes(object, "kv");
  if (!key) return std::unexpected(key.error());
  auto value = get_bytes(object, "value");
  if (!value) return std::unexpected(value.error());
  return kv_record{std::move(*key), std::move(*value)};
}

std::expected<export_line, std::string> end_of(const json& object) {
  auto& end = object["end"];
  if (!end.is_object()) return std::unexpected("\"end\" is not an object");
  auto events = number(end, "events", std::numeric_limits<std::uint64_t>::max());
  auto kv = number(end, "kv_records", std::numeric_limits<std::uint64_t>::max());
  if (!events) return std::unexpected(events.error());
  if (!kv) return std::unexpected(kv.error());
  return export_end{*events, *kv};
}

}  // namespace

std::string header_line(std::uint64_t from_position) {
  return sealed(json{{"ordo_export", export_format}, {"from_position", from_position}});
}

std::string event_line(const persistence::recorded_event& e) {
  return sealed(readmodel::event_envelope_json(e));
}

std::string kv_line(std::string_view key, std::string_view value) {
  json object = json::object();
  put_bytes(object, "kv", key);
  put_bytes(object, "value", value);
  return sealed(object);
}

std::string end_line(const export_end& counts) {
  return sealed(json{{"end", {{"events", counts.events}, {"kv_records", counts.kv_records}}}});
}

std::expected<std::optional<export_header>, std::string> parse_header(std::string_view line) {
  auto object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return std::unexpected("not a JSON object");
  if (!object.contains("ordo_export")) return std::nullopt;
  auto format = number(object, "ordo_export", std::numeric_limits<int>::max());
  if (!format) return std::unexpected(format.error());
  if (*format != export_format)
    return std::unexpected("export format " + std::to_string(*format) +
                           " is not one this ordo reads (1 or " + std::to_string(export_format) +
                           ")");
  auto text = unsealed(line);
  if (!text) return std::unexpected(text.error());
  auto from = number(object, "from_position", std::numeric_limits<std::uint64_t>::max());
  if (!from) return std::unexpected(from.error());
  return export_header{static_cast<int>(*format), std::max<std::uint64_t>(*from, 1)};
}

std::expected<export_line, std::string> parse_line(std::string_view line, int format) {
  std::string checked;
  if (format >= 2) {
    auto text = unsealed(line);
    if (!text) return std::unexpected(text.error());
    checked = std::move(*text);
    line = checked;
  }
  auto object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return std::unexpected("not a JSON object");
  if (format >= 2) {
    if (object.contains("ordo_export")) return std::unexpected("a second format line");
    if (object.contains("kv")) return kv_of(object);
    if (object.contains("end")) return end_of(object);
  }
  auto event = envelope_of(object);
  if (!event) return std::unexpected(event.error());
  return std::move(*event);
}

std::expected<persistence::recorded_event, std::string> parse_envelope(std::string_view line) {
  auto object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return std::unexpected("not a JSON object");
  return envelope_of(object);
}

namespace {

std::expected<persistence::recorded_event, std::string> envelope_of(const json& object) {
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

}  // namespace
}  // namespace ordo::app::offline
