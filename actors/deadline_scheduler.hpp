// The deadline scheduler: keeps this node's pending durable wake-ups (actors/deadline_store.hpp)
// in memory and sends each aggregate its wake-up command when it is due.
//
// On start it loads every stored deadline: overdue ones fire at once, and each other aggregate
// with a pending deadline is woken now (recovered), so that a saga interrupted by a crash sends
// its step's commands again instead of waiting for its deadline.
//
// Messages:
//   deadline_update   replaces (or cancels) the stream's wake-up; aggregates send it after the
//                     batch that stored it is durable, and before they reply to anyone.
//   (stop_atom)       quits.
// A wake-up whose aggregate answers unavailable (or not at all) is retried after
// `wake_up_retry_ms`; any other answer removes it (the aggregate sent a new one if it has one).
#pragma once

#include <caf/all.hpp>

#include "actors/context.hpp"
#include "actors/handles.hpp"

namespace ordo::actors {

// REQUIRES: context->db and context->shards are set and outlive the actor.
deadline_scheduler_actor spawn_deadline_scheduler(caf::actor_system& system,
                                                  runtime_context* context);

}  // namespace ordo::actors
