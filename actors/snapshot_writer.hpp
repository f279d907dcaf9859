// Writes aggregate snapshots and prunes old ones on its own thread, so that taking a snapshot
// never blocks an aggregate's commands. Accepts snapshot_job (actors/handles.hpp) and stop_atom.
#pragma once

#include <caf/all.hpp>

#include "actors/context.hpp"
#include "actors/handles.hpp"

namespace ordo::actors {

snapshot_writer_actor spawn_snapshot_writer(caf::actor_system& system, runtime_context* context);

}  // namespace ordo::actors
