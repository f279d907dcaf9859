#include "actors/command_outcome_store.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>

#include "readmodel/remembered_commands.hpp"

namespace ordo::actors {

namespace {

constexpr std::uint8_t record_format = 1;
constexpr std::uint8_t appended_events_flag = 1;

std::int64_t generation_of(std::int64_t at_ms, std::int64_t ttl_ms) {
  return at_ms < 0 ? 0 : at_ms / std::max<std::int64_t>(ttl_ms, 1);
}

std::string generation_prefix(std::int64_t generation) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(generation));
  return std::string(command_outcome_prefix) + hex + "/";
}

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_text(std::string& out, std::string_view text) {
  put_varint(out, text.size());
  out.append(text);
}

struct reader {
  std::string_view bytes;
  std::size_t at = 0;
  bool ok = true;

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64 && at < bytes.size(); shift += 7) {
      auto b = static_cast<std::uint8_t>(bytes[at++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok = false;
    return 0;
  }
  std::uint8_t byte() {
    if (at >= bytes.size()) {
      ok = false;
      return 0;
    }
    return static_cast<std::uint8_t>(bytes[at++]);
  }
  std::string text() {
    auto n = varint();
    if (!ok || bytes.size() - at < n) {
      ok = false;
      return {};
    }
    std::string out(bytes.substr(at, n));
    at += n;
    return out;
  }
};

}  // namespace

std::string command_outcome_key(std::string_view stream, std::string_view command_id,
                                std::int64_t issued_at_ms, std::int64_t ttl_ms) {
  auto key = generation_prefix(generation_of(issued_at_ms, ttl_ms));
  key.append(stream).append("/").append(command_id);
  return key;
}

std::string encode_command_outcome(const command_reply& reply, std::int64_t issued_at_ms,
                                   bool appended_events) {
  std::string out(1, static_cast<char>(record_format));
  put_varint(out, static_cast<std::uint64_t>(std::max<std::int64_t>(issued_at_ms, 0)));
  out.push_back(static_cast<char>(reply.code));
  put_varint(out, reply.version);
  out.push_back(static_cast<char>(appended_events ? appended_events_flag : 0));
  put_text(out, reply.message);
  put_text(out, reply.status);
  put_text(out, reply.state);
  put_varint(out, reply.fields.size());
  for (const auto& f : reply.fields) {
    put_text(out, f.field);
    put_text(out, f.message);
  }
  return out;
}

std::optional<stored_command_outcome> decode_command_outcome(std::string_view bytes) {
  reader in{bytes};
  if (in.byte() != record_format) return std::nullopt;
  stored_command_outcome out;
  auto at = in.varint();
  if (at > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return std::nullopt;
  out.issued_at_ms = static_cast<std::int64_t>(at);
  auto code = outcome_from_value(in.byte());
  if (!code) return std::nullopt;
  out.reply.code = *code;
  out.reply.version = in.varint();
  auto flags = in.byte();
  out.reply.message = in.text();
  out.reply.status = in.text();
  out.reply.state = in.text();
  auto fields = in.varint();
  for (std::uint64_t i = 0; in.ok && i < fields; ++i) {
    field_problem f;
    f.field = in.text();
    f.message = in.text();
    out.reply.fields.push_back(std::move(f));
  }
  if (!in.ok || in.at != bytes.size() || (flags & ~appended_events_flag) != 0) return std::nullopt;
  // The flag travels in the position until the lookup replaces it with the real one.
  out.reply.position = (flags & appended_events_flag) ? 1 : 0;
  return out;
}

persistence::kv_write command_outcome_write(std::string_view stream, std::string_view command_id,
                                            const command_reply& reply, std::int64_t issued_at_ms,
                                            std::int64_t ttl_ms, bool appended_events) {
  return {command_outcome_key(stream, command_id, issued_at_ms, ttl_ms),
          encode_command_outcome(reply, issued_at_ms, appended_events)};
}

persistence::result<std::optional<stored_command_outcome>> find_command_outcome(
    persistence::database& db, std::string_view stream, std::string_view command_id,
    std::int64_t now_ms, std::int64_t ttl_ms) {
  auto now_generation = generation_of(now_ms, ttl_ms);
  for (auto generation : {now_generation, now_generation - 1}) {
    if (generation < 0) break;
    auto key = generation_prefix(generation);
    key.append(stream).append("/").append(command_id);
    auto found = db.kv().get(key);
    if (!found) return std::unexpected(found.error());
    if (!*found) continue;
    auto record = decode_command_outcome(**found);
    if (!record) {
      persistence::storage_error err{persistence::storage_errc::corrupt,
                                     "unreadable command outcome " + key};
      return std::unexpected(std::move(err));
    }
    if (now_ms - record->issued_at_ms >= ttl_ms) return std::nullopt;
    if (record->reply.position != 0) {
      auto events = db.events().read(stream, record->reply.version, record->reply.version, 1);
      if (!events) return std::unexpected(events.error());
      // Truncated since: the journal's end is a position the command's events are not after.
      record->reply.position =
          events->empty() ? db.events().last_position() : events->front().position;
    }
    return std::optional<stored_command_outcome>(std::move(*record));
  }
  return std::optional<stored_command_outcome>();
}

persistence::result<std::size_t> expire_command_outcomes(persistence::kv_store& kv,
                                                         std::int64_t now_ms, std::int64_t ttl_ms) {
  // Lookups read the generations of now and now - ttl: everything below that is stale.
  auto keep_from = generation_of(now_ms, ttl_ms) - 1;
  std::size_t erased = 0;
  for (;;) {
    auto first = kv.scan(command_outcome_prefix, {}, 1);
    if (!first) return std::unexpected(first.error());
    if (first->empty()) return erased;
    auto hex = std::string_view(first->front().first).substr(command_outcome_prefix.size(), 16);
    std::uint64_t generation = 0;
    auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), generation, 16);
    if (ec != std::errc{} || end != hex.data() + hex.size() || hex.size() != 16) {
      // Not a key of ours: leave it, and everything after it, for a newer version to read.
      return erased;
    }
    if (static_cast<std::int64_t>(generation) >= keep_from) return erased;
    auto cleared =
        kv.erase_prefix_then_write(generation_prefix(static_cast<std::int64_t>(generation)), {});
    if (!cleared) return std::unexpected(cleared.error());
    ++erased;
  }
}

}  // namespace ordo::actors
