// The projector: one actor that keeps several read-model views up to date together.
//
// It follows the event bus from the views' checkpoints ("checkpoint/<name>" in the kv store, one
// per view). Every batch is fetched once, each event is decoded once for all views
// (readmodel::decoded_event), and the rows of every view with every view's new checkpoint commit
// in one kv write (readmodel::commit_batch). When the bus says the views have fallen behind, it
// reads the journal itself in chunks, then follows the bus again.
//
// The views that follow the bus together stand at one position, the group's. A view that is
// behind it (a data directory where the views stand at different positions, a view being
// rebuilt, a view whose last batch failed) catches up from the journal alone, a chunk per
// message, while the group goes on, and joins the group when it reaches the group's position.
// Failures (storage, an event a view cannot read) are retried with backoff; a view never skips
// an event, and one view's failure does not hold the others back.
//
// Protocol:
//   (await_atom, uint64_t position) -> bool   true once every view has applied every event up to
//                                             `position` (the reply waits until then); false when
//                                             too many callers wait already, after ~15 s, or on
//                                             stop. Callers should request with their own timeout.
//   (rebuild_atom, std::string view) -> bool  true at once for a view of this projector (false
//                                             for any other name); that view's rows are deleted
//                                             and rebuilt from position 0 while the other views
//                                             stay live; its status is "rebuilding" until it has
//                                             caught up.
//   (inspect_atom, std::string view) -> projection_info   (an empty name for an unknown view)
//   (stop_atom)                               answers the waiting awaits with false and quits;
//                                             so does the actor when the event bus goes down.
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "actors/context.hpp"
#include "actors/handles.hpp"
#include "actors/projections/projection_info.hpp"
#include "readmodel/projection.hpp"

namespace ordo::actors {

// Awaits parked at one projector beyond this are answered false at once: a bound on memory for a
// stalled projector under many consistency-token reads.
inline constexpr std::size_t max_parked_awaits = 10'000;

struct projector_options {
  readmodel::view_logging logging = readmodel::view_logging::no_wal;
  // Runs its thread at a lower OS priority (nice + 10) than the actors that serve commands: when
  // the node is saturated the views fall behind rather than slow commands down, and catch up in
  // larger batches when it is not.
  bool background = false;
  // After a batch that left the bus with nothing more to give, how long the next fetch waits for
  // events to gather (0: it asks at once). A projector that follows a trickle of commands then
  // wakes, fetches and commits once per interval instead of once per journal batch; an await
  // (a read with a consistency token) fetches at once.
  std::chrono::microseconds gather{0};
};

// REQUIRES: context->db and context->bus are set and outlive the actor; `views` is not empty and
// their names differ. The actor runs on its own thread (detached): it does blocking RocksDB reads
// and writes.
projector_actor spawn_projector(caf::actor_system& system, runtime_context* context,
                                std::vector<std::unique_ptr<readmodel::projection>> views,
                                projector_options options);

// One projector for the node's read models (readmodel::projection_names(): order_summary,
// orders_by_customer, stats, sagas), without the WAL, in the background, gathering events for
// context->settings.views_gather_us.
projector_actor spawn_projector(caf::actor_system& system, runtime_context* context);

// A projector of one view whose rows keep the WAL (the saga trigger), gathering like the
// read models' projector.
projector_actor spawn_projection(caf::actor_system& system, runtime_context* context,
                                 std::unique_ptr<readmodel::projection> view);

}  // namespace ordo::actors
