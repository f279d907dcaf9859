// The actor that keeps one projection up to date, and the node's three projections.
//
// It follows the event bus from its checkpoint ("checkpoint/<name>" in the kv store); when the
// bus says it has fallen behind, it reads the journal itself in chunks, then follows the bus
// again. Each batch's rows and the new checkpoint commit in one kv write, so each event is
// applied exactly once across crashes. Failures (storage, an event it cannot read) are retried
// with backoff; the projection never skips an event.
//
// Protocol:
//   (await_atom, uint64_t position) -> bool   true once every event up to `position` is applied
//                                             (the reply waits until then); false when too many
//                                             callers wait already, after ~15 s, or on stop.
//                                             Callers should request with their own timeout.
//   (rebuild_atom)                  -> bool   true at once; the rows are deleted and rebuilt
//                                             from position 0 while the node keeps serving;
//                                             status is "rebuilding" until caught up.
//   (inspect_atom)                  -> projection_info
//   (stop_atom)                               answers the waiting awaits with false and quits;
//                                             so does the actor when the event bus goes down.
#pragma once

#include <caf/all.hpp>
#include <cstddef>
#include <memory>
#include <vector>

#include "actors/context.hpp"
#include "actors/projections/projection_info.hpp"
#include "readmodel/projection.hpp"

namespace ordo::actors {

// Awaits parked at one projection beyond this are answered false at once: a bound on memory for
// a stalled projection under many consistency-token reads.
inline constexpr std::size_t max_parked_awaits = 10'000;

// REQUIRES: context->db and context->bus are set and outlive the actor. The actor runs on its
// own thread (detached): it does blocking RocksDB reads and writes.
caf::actor spawn_projection(caf::actor_system& system, runtime_context* context,
                            std::unique_ptr<readmodel::projection> view);

// Spawns order_summary, orders_by_customer and stats, in that order.
std::vector<caf::actor> spawn_projections(caf::actor_system& system, runtime_context* context);

}  // namespace ordo::actors
