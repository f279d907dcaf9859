// The lines of `ordo export` / `ordo import`, JSON Lines.
//
// Format 2 (written since issue 12): a format line, the events, the kv records that are node
// state, an end line; each line ends with its own CRC32C ("crc", 8 hex digits, over the line's
// bytes without that field), so that damage and truncation are found before anything is written:
//   {"ordo_export":2,"from_position":P,"crc":"…"}
//   {"stream", "version", "position", "type", "schema_version", "timestamp" (RFC 3339, ms),
//    "correlation_id", "causation_id", "command_id", "data", "crc"}   — the API's event shape
//   {"kv":KEY,"value":TEXT,"crc":"…"}   ("key_hex" / "value_hex" for bytes that are not UTF-8)
//   {"end":{"events":N,"kv_records":M},"crc":"…"}
// Format 1 (files written before): event envelopes only, no CRC, no format or end line.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "persistence/event_record.hpp"
#include "readmodel/event_json.hpp"

namespace ordo::app::offline {

inline constexpr int export_format = 2;

struct export_header {
  int format = 1;
  std::uint64_t from_position = 1;  // above 1: a partial export, streams may start above 1
};
struct kv_record {
  std::string key;
  std::string value;
};
struct export_end {
  std::uint64_t events = 0;
  std::uint64_t kv_records = 0;
};
using export_line = std::variant<export_header, persistence::recorded_event, kv_record, export_end>;

// Format 2's lines, each sealed with its CRC and ending in '\n'.
std::string header_line(std::uint64_t from_position);
std::string event_line(const persistence::recorded_event& e);
std::string kv_line(std::string_view key, std::string_view value);
std::string end_line(const export_end& counts);

// One line of a file of `format` (1: an event envelope; 2: a sealed line of any kind), or why it
// is not one. A format line on its own is recognised by parse_header.
std::expected<export_line, std::string> parse_line(std::string_view line, int format);
// The format line of a format-2 file, nullopt for a file of format 1 (its first line is an
// event), or why the line cannot be read.
std::expected<std::optional<export_header>, std::string> parse_header(std::string_view line);

// Writing an envelope is readmodel::event_envelope_json (the API's events use the same shape).
// The inverse: the event an envelope describes, or why the line is not one. A string `data` is
// stored as its text (undoing envelope_json's rule), anything else as compact JSON, so that
// export -> import -> export gives the same bytes.
std::expected<persistence::recorded_event, std::string> parse_envelope(std::string_view line);

}  // namespace ordo::app::offline
