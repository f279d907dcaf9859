#include "readmodel/remembered_commands.hpp"


namespace ordo::readmodel {

namespace {

// One record: origin (u8), code (u8), id length (u16 LE), id, then version, position and at_ms as
// LEB128 varints.
constexpr std::uint8_t table_format = 1;
constexpr std::size_t max_id_bytes = 4096;  // ids are ~150 bytes at most; keeps start_ in 32 bits

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool get_varint(std::string_view bytes, std::size_t& at, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && at < bytes.size(); shift += 7) {
    auto b = static_cast<std::uint8_t>(bytes[at++]);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

void put_record(std::string& out, const remembered_outcome& r) {
  out.push_back(static_cast<char>(r.origin));
  out.push_back(static_cast<char>(r.code));
  out.push_back(static_cast<char>(r.command_id.size() & 0xff));
  out.push_back(static_cast<char>(r.command_id.size() >> 8));
  out.append(r.command_id);
  put_varint(out, r.version);
  put_varint(out, r.position);
  put_varint(out, static_cast<std::uint64_t>(r.at_ms < 0 ? 0 : r.at_ms));
}

// A view of one record; `id` points into the table.
struct record_view {
  command_origin origin;
  outcome code;
  std::string_view id;
  std::size_t tail;  // offset of the varints
};

std::optional<record_view> read_head(std::string_view bytes, std::size_t at) {
  if (bytes.size() - at < 4) return std::nullopt;
  auto origin = static_cast<std::uint8_t>(bytes[at]);
  auto code = static_cast<std::uint8_t>(bytes[at + 1]);
  std::size_t length = static_cast<std::uint8_t>(bytes[at + 2]) |
                       (static_cast<std::size_t>(static_cast<std::uint8_t>(bytes[at + 3])) << 8);
  if (origin != static_cast<std::uint8_t>(command_origin::internal) &&
      origin != static_cast<std::uint8_t>(command_origin::client))
    return std::nullopt;
  auto known = domain::outcome_from_value(code);
  if (!known || length == 0 || bytes.size() - at - 4 < length) return std::nullopt;
  return record_view{static_cast<command_origin>(origin), *known,
                     bytes.substr(at + 4, length), at + 4 + length};
}

// Reads the record at `at` and moves `at` past it.
std::optional<remembered_outcome> read_record(std::string_view bytes, std::size_t& at) {
  auto head = read_head(bytes, at);
  if (!head) return std::nullopt;
  remembered_outcome r{std::string(head->id), head->origin, head->code, 0, 0, 0};
  std::uint64_t at_ms = 0;
  at = head->tail;
  if (!get_varint(bytes, at, r.version) || !get_varint(bytes, at, r.position) ||
      !get_varint(bytes, at, at_ms) || at_ms > static_cast<std::uint64_t>(INT64_MAX))
    return std::nullopt;
  r.at_ms = static_cast<std::int64_t>(at_ms);
  return r;
}

}  // namespace

std::uint64_t legacy_command_id_hash(std::string_view id) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h == 0 ? 1 : h;
}

std::optional<remembered_outcome> remembered_commands::find(std::string_view command_id,
                                                            std::int64_t now_ms,
                                                            std::int64_t client_ttl_ms) const {
  if (command_id.empty()) return std::nullopt;
  std::string_view bytes(packed_);
  std::optional<std::size_t> newest;
  for (std::size_t at = start_; at < bytes.size();) {
    auto head = read_head(bytes, at);
    if (!head) break;  // cannot happen: only remember() and decode() write the table
    if (head->id == command_id) newest = at;
    at = head->tail;
    std::uint64_t skipped = 0;
    for (int i = 0; i < 3; ++i) get_varint(bytes, at, skipped);
  }
  if (!newest) return std::nullopt;
  auto at = *newest;
  auto found = read_record(bytes, at);
  if (found && found->origin == command_origin::client && now_ms - found->at_ms >= client_ttl_ms)
    return std::nullopt;
  return found;
}

void remembered_commands::remember(const remembered_outcome& outcome) {
  if (capacity_ == 0 || outcome.command_id.empty() || outcome.command_id.size() > max_id_bytes)
    return;
  if (count_ == capacity_) drop_oldest();
  put_record(packed_, outcome);
  ++count_;
}

void remembered_commands::drop_oldest() {
  std::size_t at = start_;
  if (!read_record(packed_, at)) return;
  start_ = static_cast<std::uint32_t>(at);
  --count_;
  // Give the dropped bytes back once they are half the table: amortised O(1) per command.
  if (start_ * 2 >= packed_.size()) {
    packed_.erase(0, start_);
    start_ = 0;
  }
}

void remembered_commands::shrink() {
  if (packed_.capacity() - (packed_.size() - start_) <= packed_.size() - start_ + 64) return;
  packed_.erase(0, start_);
  start_ = 0;
  packed_.shrink_to_fit();
}

std::vector<remembered_outcome> remembered_commands::entries() const {
  std::vector<remembered_outcome> out;
  out.reserve(count_);
  for (std::size_t at = start_; at < packed_.size();) {
    auto r = read_record(packed_, at);
    if (!r) break;
    out.push_back(std::move(*r));
  }
  return out;
}

std::string remembered_commands::encode() const {
  std::string out;
  out.push_back(static_cast<char>(table_format));
  put_varint(out, count_);
  out.append(packed_, start_);
  return out;
}

bool remembered_commands::decode(std::string_view bytes) {
  if (bytes.empty() || static_cast<std::uint8_t>(bytes[0]) != table_format) return false;
  std::size_t at = 1;
  std::uint64_t count = 0;
  if (!get_varint(bytes, at, count)) return false;
  remembered_commands table(capacity_);
  for (std::uint64_t i = 0; i < count; ++i) {
    auto r = read_record(bytes, at);
    if (!r) return false;
    table.remember(*r);
  }
  if (at != bytes.size()) return false;
  *this = std::move(table);
  return true;
}

}  // namespace ordo::readmodel
