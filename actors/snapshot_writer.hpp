// Writes aggregate snapshots and prunes old ones on its own thread, so that taking a snapshot
// never blocks an aggregate's commands.
#pragma once

#include <caf/all.hpp>

#include "actors/context.hpp"
#include "persistence/snapshot_store.hpp"

namespace ordo::actors {

struct snapshot_job {
  persistence::snapshot snapshot;
  std::size_t keep = 2;
};

caf::actor spawn_snapshot_writer(caf::actor_system& system, runtime_context* context);

}  // namespace ordo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::snapshot_job)
