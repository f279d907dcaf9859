// The bytes of an aggregate snapshot: the decider's own state encoding plus the remembered
// command outcomes, so that duplicate detection survives passivation and restarts.
//
// Format 2 (written now): byte 0x02, the state's length (LEB128), the state (D::save_state), then
// the remembered table (remembered_commands::encode, which carries its own version tag).
// Format 1 (read only): JSON {"state": "...", "remembered": [[fnv1a64(id), version, position,
// code], ...]}. Its entries hold only a hash of the command id, which must never decide that a
// command is a duplicate (a client could forge a key with the same hash): they are handed back as
// legacy_remembered for recovery to resolve to full ids from the journal (see aggregate.hpp);
// what cannot be resolved is forgotten.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/deciders.hpp"
#include "persistence/snapshot_store.hpp"
#include "readmodel/remembered_commands.hpp"

namespace ordo::readmodel {

inline constexpr char aggregate_snapshot_format = 0x02;

// An entry of a format 1 snapshot.
struct legacy_remembered {
  std::uint64_t id_hash = 0;
  std::uint64_t version = 0;
  std::uint64_t position = 0;  // 0: the command appended nothing
  std::uint8_t code = 0;
};

template <domain::decider D>
std::string encode_aggregate_snapshot(const typename D::state& state,
                                      const remembered_commands& remembered) {
  auto saved = D::save_state(state);
  std::string out(1, aggregate_snapshot_format);
  for (auto n = saved.size();; n >>= 7) {
    out.push_back(static_cast<char>((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)));
    if (n < 0x80) break;
  }
  out += saved;
  out += remembered.encode();
  return out;
}

namespace detail {

// The state bytes and table bytes of a format 2 snapshot.
inline bool split_snapshot(std::string_view bytes, std::string_view& state,
                           std::string_view& table) {
  std::size_t at = 1;
  std::uint64_t length = 0;
  for (int shift = 0;; shift += 7) {
    if (at >= bytes.size() || shift > 56) return false;
    auto b = static_cast<std::uint8_t>(bytes[at++]);
    length |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  if (bytes.size() - at < length) return false;
  state = bytes.substr(at, length);
  table = bytes.substr(at + length);
  return true;
}

}  // namespace detail

// Returns false (leaving the outputs untouched) when the snapshot cannot be read. A format 1
// snapshot leaves `remembered` empty and puts its entries into `legacy` (when given).
template <domain::decider D>
bool decode_aggregate_snapshot(const persistence::snapshot& snapshot, typename D::state& state,
                               remembered_commands& remembered,
                               std::vector<legacy_remembered>* legacy = nullptr) {
  if (snapshot.schema != D::snapshot_schema) return false;
  std::string_view bytes(snapshot.bytes);
  if (!bytes.empty() && bytes[0] == aggregate_snapshot_format) {
    std::string_view saved, table;
    if (!detail::split_snapshot(bytes, saved, table)) return false;
    auto loaded = D::load_state(std::string(saved), snapshot.schema);
    if (!loaded) return false;
    remembered_commands recent(remembered.capacity());
    if (!recent.decode(table)) return false;
    state = std::move(*loaded);
    remembered = std::move(recent);
    return true;
  }
  auto json = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("state") || !json["state"].is_string()) return false;
  auto loaded =
      D::load_state(json["state"].template get_ref<const std::string&>(), snapshot.schema);
  if (!loaded) return false;
  std::vector<legacy_remembered> entries;
  if (auto it = json.find("remembered"); it != json.end() && it->is_array()) {
    for (auto& r : *it) {
      if (!r.is_array() || r.size() != 4) return false;
      for (auto& field : r)
        if (!field.is_number_unsigned()) return false;
      entries.push_back(
          {r[0].get<std::uint64_t>(), r[1].get<std::uint64_t>(), r[2].get<std::uint64_t>(),
           static_cast<std::uint8_t>(std::min<std::uint64_t>(r[3].get<std::uint64_t>(), 255))});
    }
  }
  state = std::move(*loaded);
  remembered = remembered_commands(remembered.capacity());
  if (legacy) *legacy = std::move(entries);
  return true;
}

}  // namespace ordo::readmodel
