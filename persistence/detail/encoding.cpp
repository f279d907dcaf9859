#include "persistence/detail/encoding.hpp"

#include <array>
#include <cstring>

#include "persistence/crc32c.hpp"

namespace ordo::persistence::detail {
namespace {

constexpr std::uint8_t record_format = 1;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_bytes(std::string& out, std::string_view bytes) {
  put_varint(out, bytes.size());
  out.append(bytes);
}

// Reads framed fields; any overrun marks the reader bad instead of reading past the end.
struct reader {
  std::string_view in;
  bool ok = true;

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (in.empty()) break;
      auto b = static_cast<std::uint8_t>(in.front());
      in.remove_prefix(1);
      v |= std::uint64_t{b & 0x7Fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    ok = false;
    return 0;
  }
  std::uint64_t u64() {
    if (in.size() < 8) {
      ok = false;
      return 0;
    }
    auto v = get_u64_be(in);
    in.remove_prefix(8);
    return v;
  }
  std::string_view bytes() {
    auto n = varint();
    if (!ok || n > in.size()) {
      ok = false;
      return {};
    }
    auto s = in.substr(0, n);
    in.remove_prefix(n);
    return s;
  }
};

}  // namespace

bool is_valid_stream(std::string_view stream) {
  return !stream.empty() && stream.size() <= max_stream_bytes &&
         stream.find('\0') == std::string_view::npos;
}

void put_u64_be(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

std::uint64_t get_u64_be(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[i]);
  return v;
}

std::string stream_prefix(std::string_view stream) {
  std::string key;
  key.reserve(stream.size() + 9);
  key.append(stream);
  key.push_back('\0');
  return key;
}

std::string stream_key(std::string_view stream, std::uint64_t version) {
  auto key = stream_prefix(stream);
  put_u64_be(key, version);
  return key;
}

std::string position_key(std::uint64_t position) {
  std::string key;
  key.reserve(8);
  put_u64_be(key, position);
  return key;
}

std::array<char, 4> seal_header(std::string_view payload) {
  std::uint32_t crc = crc32c(payload);
  std::array<char, 4> le;
  for (int i = 0; i < 4; ++i) le[i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  return le;
}

std::string seal(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 4);
  auto header = seal_header(payload);
  out.append(header.data(), header.size());
  out.append(payload);
  return out;
}

std::optional<std::string_view> unseal(std::string_view value) {
  if (value.size() < 4) return std::nullopt;
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i)
    stored |= std::uint32_t{static_cast<std::uint8_t>(value[i])} << (8 * i);
  auto payload = value.substr(4);
  if (crc32c(payload) != stored) return std::nullopt;
  return payload;
}

std::string encode_event_record(const recorded_event& e) {
  std::string payload;
  payload.reserve(64 + e.stream.size() + e.type.size() + e.command_id.size() +
                  e.correlation_id.size() + e.causation_id.size() + e.data.size());
  payload.push_back(static_cast<char>(record_format));
  put_bytes(payload, e.stream);
  put_u64_be(payload, e.version);
  put_u64_be(payload, e.position);
  put_varint(payload, e.schema_version);
  put_u64_be(payload, static_cast<std::uint64_t>(e.timestamp_ms));
  put_bytes(payload, e.type);
  put_bytes(payload, e.command_id);
  put_bytes(payload, e.correlation_id);
  put_bytes(payload, e.causation_id);
  put_bytes(payload, e.data);
  return seal(payload);
}

result<event_record_view> decode_event_record_view(std::string_view value, std::uint64_t position) {
  auto corrupt = [&](std::string why, const event_record_view& partial) {
    storage_error err{storage_errc::corrupt, "corrupt event record at position " +
                                                 std::to_string(position) + ": " + std::move(why)};
    err.stream = std::string(partial.stream);
    err.version = partial.version;
    err.position = position;
    if (!partial.stream.empty())
      err.message +=
          " (stream " + err.stream + ", version " + std::to_string(partial.version) + ")";
    return std::unexpected(std::move(err));
  };
  event_record_view e;
  auto payload = unseal(value);
  // Bytes that fail their CRC are not read further: any stream or version in them may be wrong.
  if (!payload) return corrupt("CRC32C mismatch", e);
  reader r{*payload};
  if (r.in.empty() || static_cast<std::uint8_t>(r.in.front()) != record_format)
    return corrupt("unknown record format", e);
  r.in.remove_prefix(1);
  e.stream = r.bytes();
  e.version = r.u64();
  e.position = r.u64();
  auto schema = r.varint();
  e.schema_version = static_cast<std::uint32_t>(schema);
  e.timestamp_ms = static_cast<std::int64_t>(r.u64());
  e.type = r.bytes();
  e.command_id = r.bytes();
  e.correlation_id = r.bytes();
  e.causation_id = r.bytes();
  e.data = r.bytes();
  if (!r.ok || !r.in.empty()) return corrupt("bad framing", e);
  if (schema > UINT32_MAX) return corrupt("schema version out of range", e);
  if (e.position != position)
    return corrupt("record claims position " + std::to_string(e.position), e);
  return e;
}

void assign(recorded_event& e, const event_record_view& view) {
  e.type.assign(view.type);
  e.schema_version = view.schema_version;
  e.timestamp_ms = view.timestamp_ms;
  e.command_id.assign(view.command_id);
  e.correlation_id.assign(view.correlation_id);
  e.causation_id.assign(view.causation_id);
  e.data.assign(view.data);
  e.stream.assign(view.stream);
  e.version = view.version;
  e.position = view.position;
}

result<recorded_event> decode_event_record(std::string_view value, std::uint64_t position) {
  auto view = decode_event_record_view(value, position);
  if (!view) return std::unexpected(std::move(view.error()));
  recorded_event e;
  assign(e, *view);
  return e;
}

}  // namespace ordo::persistence::detail
