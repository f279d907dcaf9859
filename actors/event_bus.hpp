// The event bus: delivers committed events, in position order, to followers that pull them.
//
// The journal's commit listener hands every durable batch to the bus, which keeps the newest
// `bus_buffer_events` in a ring. A follower asks for events after its position:
//   (fetch_atom, after_position, max)  -> bus_fetch_reply with the events, when they are in the
//                                         ring; with `behind` and the ring's oldest position when
//                                         it has fallen behind the ring: it reads the journal
//                                         itself, then asks again; parked until new events
//                                         commit, when it is caught up.
// Pulling bounds every buffer: a slow follower never makes the bus grow.
#pragma once

#include <caf/all.hpp>

#include "actors/context.hpp"
#include "actors/handles.hpp"

namespace ordo::actors {

event_bus_actor spawn_event_bus(caf::actor_system& system, runtime_context* context);

// Hands each durable batch of `journal` to `bus`. Call before the first append.
void connect_journal_to_bus(persistence::journal& journal, event_bus_actor bus);

}  // namespace ordo::actors
