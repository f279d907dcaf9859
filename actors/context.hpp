// What every actor of one node's runtime shares: the database, the settings and the clock.
// Owned by `runtime`; actors hold a pointer to it for their whole life.
#pragma once

#include <atomic>
#include <caf/all.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/handles.hpp"
#include "actors/runtime_stats.hpp"
#include "actors/settings.hpp"
#include "persistence/database.hpp"

namespace ordo::actors {

struct runtime_context {
  persistence::database* db = nullptr;
  runtime_settings settings;
  event_bus_actor bus;                    // the event bus
  snapshot_writer_actor snapshot_writer;  // writes snapshots off the aggregates' path
  deadline_scheduler_actor deadlines;     // the deadline scheduler: durable wake-ups of aggregates
  // This node's shards, by index (see shard_for): the shard actor that hosts it, or the
  // stand-in for the node that owns it. A host runs several shards, so one handle may appear at
  // several indexes.
  std::vector<shard_actor> shards;
  // How many shards run here (the others stand in for shards other nodes own).
  std::uint32_t local_shards = 1;
  // How many shard actors host them: they share aggregates.max_live.
  std::uint32_t shard_hosts = 1;
  // Per shard, by index: completes its aggregates' appends of one WriteBatch in one message to
  // its host (actors/write_completion.hpp); the shards of one host share one.
  std::vector<std::shared_ptr<persistence::append_group>> write_completions;

  // Spawns the aggregate actor of `type` for `id` as a child of `parent` (a shard). Returns an
  // invalid handle for an unknown type. Set by the runtime, which knows the deciders.
  std::function<caf::actor(shard_actor::base& parent, const std::string& type,
                           const std::string& id)>
      spawn_aggregate;

  runtime_stats stats;  // counters for metrics and inspection
};

// Exit reasons of aggregate actors, so that their shard knows why one stopped.
inline caf::error recovery_failed() {
  return caf::error(1, caf::atom("ordo_agg"));
}
inline caf::error journal_failed() {
  return caf::error(2, caf::atom("ordo_agg"));
}
inline bool is_recovery_failure(const caf::error& e) {
  return e == recovery_failed();
}

inline std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace ordo::actors
