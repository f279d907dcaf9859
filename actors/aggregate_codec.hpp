// The bytes of an aggregate snapshot: the decider's own state encoding plus the remembered
// command outcomes, so that duplicate detection survives passivation and restarts.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "actors/remembered_commands.hpp"
#include "domain/deciders.hpp"
#include "persistence/snapshot_store.hpp"

namespace ordo::actors {

template <domain::decider D>
std::string encode_aggregate_snapshot(const typename D::state& state, const remembered_commands& remembered) {
  nlohmann::json recent = nlohmann::json::array();
  for (auto& r : remembered.entries()) recent.push_back({r.id_hash, r.version, r.position, r.code});
  return nlohmann::json{{"state", D::save_state(state)}, {"remembered", std::move(recent)}}.dump();
}

// Returns false (leaving the outputs untouched) when the snapshot cannot be read.
template <domain::decider D>
bool decode_aggregate_snapshot(const persistence::snapshot& snapshot, typename D::state& state,
                               remembered_commands& remembered) {
  if (snapshot.schema != D::snapshot_schema) return false;
  auto json = nlohmann::json::parse(snapshot.bytes, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("state") || !json["state"].is_string()) return false;
  auto loaded = D::load_state(json["state"].template get_ref<const std::string&>(), snapshot.schema);
  if (!loaded) return false;
  remembered_commands recent(remembered);  // keeps its capacity; empty during recovery
  if (auto it = json.find("remembered"); it != json.end() && it->is_array()) {
    for (auto& r : *it) {
      if (!r.is_array() || r.size() != 4) return false;
      for (auto& field : r)
        if (!field.is_number_unsigned()) return false;
      recent.remember({r[0].get<std::uint64_t>(), r[1].get<std::uint64_t>(), r[2].get<std::uint64_t>(),
                       static_cast<std::uint8_t>(std::min<std::uint64_t>(r[3].get<std::uint64_t>(), 255))});
    }
  }
  state = std::move(*loaded);
  remembered = std::move(recent);
  return true;
}

}  // namespace ordo::actors
