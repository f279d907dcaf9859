// A shard host: owns the aggregates whose hash(type, id) falls into one of the shards it runs (a
// node runs its shards on a few hosts, runtime_settings::shard_hosts). It spawns them on demand,
// forwards their messages, passivates idle and least recently used ones (but none that awaits
// answers to commands it sent), buffers messages for an aggregate that is stopping, backs off
// from aggregates that keep failing to recover, answers reads of aggregates that were never
// written without spawning them, and answers inspection queries.
//
// Accepted messages:
//   command_envelope                      -> command_reply (from the aggregate)
//   (query_atom, type, id)                -> command_reply with the state
//   (inspect_atom, type, id)              -> aggregate_info with the state
//   (inspect_atom, type filter, limit)    -> std::vector<aggregate_info> of live aggregates
//   (snapshot_atom, type, id)             -> command_reply
//   tracked_command                       -> completes its call (a gateway call, see
//   command_call.hpp) tracked_query                         -> completes its call with the state
//   (the same for a read) (passivate_atom, type, id)            -> bool (whether it was live)
//   (busy_atom, bool)                     from an aggregate: it awaits answers (or no more)
//   stop_atom                             stops its aggregates, and itself once they are all gone
#pragma once

#include <caf/all.hpp>

#include "actors/context.hpp"
#include "actors/handles.hpp"

namespace ordo::actors {

// The shard actor that hosts some of the node's shards; `host` numbers it among the node's hosts.
shard_actor spawn_shard(caf::actor_system& system, runtime_context* context, std::uint32_t host);

// Which shard owns (type, id): a stable hash of its placement key (domain::placement_key), the
// same on every node and across restarts. A saga and a payment share their order's shard.
std::uint32_t shard_of(std::string_view type, std::string_view id, std::uint32_t shards);

// The shard of `context` that owns (type, id). REQUIRES: context.shards is not empty.
inline const shard_actor& shard_for(const runtime_context& context, std::string_view type,
                                    std::string_view id) {
  return context.shards[shard_of(type, id, static_cast<std::uint32_t>(context.shards.size()))];
}

}  // namespace ordo::actors
