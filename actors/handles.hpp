// The typed handles of this node's service actors: each names every message its actor accepts and
// what it answers, so the compiler refuses a message the actor would not understand (an untyped
// handle accepts anything and the actor drops what it has no handler for). The protocols, in words,
// are in each actor's header.
//
// Aggregates keep untyped handles: an aggregate dispatches its messages in one shared default
// handler (actors/aggregate.hpp) to stay within ~2 KiB per idle aggregate.
#pragma once

#include <caf/all.hpp>

#include "actors/command_call.hpp"
#include "actors/messages.hpp"
#include "persistence/journal.hpp"
#include "persistence/snapshot_store.hpp"

namespace ordo::actors {

// The answer to a bus fetch: the events after the follower's position, or, when it has fallen
// behind the bus's ring, where the ring starts (the follower reads the journal up to there).
struct bus_fetch_reply {
  event_batch batch;
  std::uint64_t oldest_in_ring = 0;
  bool behind = false;
};

// The outcomes of one journal WriteBatch for the aggregates of one shard
// (actors/write_completion.hpp).
struct written_batch {
  std::shared_ptr<std::vector<persistence::completed_append>> appends;
};

// actors/shard.hpp. A stand-in for a shard another node owns (cluster/) has the same handle.
using shard_actor = caf::typed_actor<
    caf::replies_to<command_envelope>::with<command_reply>,          // from sagas and the scheduler
    caf::reacts_to<tracked_command>, caf::reacts_to<tracked_query>,  // from the gateway
    caf::replies_to<query_atom, std::string, std::string>::with<command_reply>,
    caf::replies_to<snapshot_atom, std::string, std::string>::with<command_reply>,
    caf::replies_to<inspect_atom, std::string, std::string>::with<aggregate_info>,
    caf::replies_to<inspect_atom, std::string, std::uint64_t>::with<std::vector<aggregate_info>>,
    caf::replies_to<passivate_atom, std::string, std::string>::with<bool>,
    caf::reacts_to<idle_atom>, caf::reacts_to<busy_atom, bool>,  // from its aggregates
    caf::reacts_to<written_batch>,                               // from the journal's writer
    caf::reacts_to<tick_atom>,                                   // its own sweep timer
    caf::reacts_to<stop_atom>>;

// actors/event_bus.hpp
using event_bus_actor = caf::typed_actor<
    caf::reacts_to<event_batch>,  // from the journal's commit listener
    caf::replies_to<fetch_atom, std::uint64_t, std::uint32_t>::with<bus_fetch_reply>,
    caf::reacts_to<stop_atom>>;

// A snapshot for actors/snapshot_writer.hpp, and how many of its stream to keep.
struct snapshot_job {
  persistence::snapshot snapshot;
  std::size_t keep = 2;
};

using snapshot_writer_actor =
    caf::typed_actor<caf::reacts_to<snapshot_job>, caf::reacts_to<stop_atom>>;

// actors/deadline_scheduler.hpp; tick_atom is its own timer.
using deadline_scheduler_actor =
    caf::typed_actor<caf::reacts_to<deadline_update>, caf::reacts_to<tick_atom>,
                     caf::reacts_to<stop_atom>>;

// actors/projector.hpp; the two tick messages are its own timers (work now / later, sweep awaits).
using projector_actor =
    caf::typed_actor<caf::replies_to<await_atom, std::uint64_t>::with<bool>,
                     caf::replies_to<rebuild_atom, std::string>::with<bool>,
                     caf::replies_to<inspect_atom, std::string>::with<projection_info>,
                     caf::reacts_to<tick_atom, std::uint64_t>, caf::reacts_to<tick_atom>,
                     caf::reacts_to<stop_atom>>;

}  // namespace ordo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::written_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::bus_fetch_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::snapshot_job)
