// Byte-level encoding shared by the journal, snapshot store and kv store: big-endian keys,
// varint-framed records, and the CRC32C envelope that every stored value carries.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "persistence/event_record.hpp"
#include "persistence/result.hpp"

namespace ordo::persistence::detail {

constexpr std::size_t max_stream_bytes = 255;

// A stream id may be used as a key prefix only if it cannot contain the 0x00 separator.
bool is_valid_stream(std::string_view stream);

void put_u64_be(std::string& out, std::uint64_t v);
std::uint64_t get_u64_be(std::string_view in);  // REQUIRES: in.size() >= 8

// events / snapshots keys: stream | 0x00 | version (u64 BE), ordered by stream, then version.
std::string stream_key(std::string_view stream, std::uint64_t version);
std::string stream_prefix(std::string_view stream);  // stream | 0x00
std::string position_key(std::uint64_t position);

// Value envelope: crc32c(payload) (u32 LE) | payload. seal() frames, unseal() checks the CRC.
std::string seal(std::string_view payload);
// The 4 bytes seal() puts before `payload`, for writers that hand the parts to RocksDB as they
// are (SliceParts) instead of copying them into one string.
std::array<char, 4> seal_header(std::string_view payload);
std::optional<std::string_view> unseal(std::string_view value);

// The full event record stored in `positions`.
std::string encode_event_record(const recorded_event& e);

// A decoded record whose text fields view the bytes it was decoded from (no copies): for scans
// that look at a few fields of every record.
struct event_record_view {
  std::string_view stream;
  std::uint64_t version = 0;
  std::uint64_t position = 0;
  std::uint32_t schema_version = 0;
  std::int64_t timestamp_ms = 0;
  std::string_view type;
  std::string_view command_id;
  std::string_view correlation_id;
  std::string_view causation_id;
  std::string_view data;
};

// Decodes a sealed record; `position` is the key it was found under (cross-checked).
// REQUIRES for the view: `value` outlives it.
result<event_record_view> decode_event_record_view(std::string_view value, std::uint64_t position);
result<recorded_event> decode_event_record(std::string_view value, std::uint64_t position);
// Copies the view's fields into `e`, reusing the capacity of its strings.
void assign(recorded_event& e, const event_record_view& view);

}  // namespace ordo::persistence::detail
