// A stand-in for the shards another node owns: in this node's runtime it sits where those shards
// would (actors::runtime_context::shards), so the gateway and the sagas reach an aggregate on any
// node the same way. One per peer, for all the shards that peer owns; it forwards to the peer's
// endpoint (cluster/wire.hpp) and relays the answer.
//
// Exactly one answer per request, from the peer or from here:
//   - peer not up (connecting, down, incompatible): `unavailable` at once, naming the node and
//     saying that nothing was sent;
//   - `forward_window` requests to that peer in flight already: `overloaded`, nothing sent;
//   - sent, and the peer went down (the links tell this actor at once, see cluster/peers.hpp) or
//     did not answer within `timeout_ms`: a command answers `outcome_unknown` (it may have been
//     applied there), a read `unavailable`.
//
// Accepted messages: the shard's (actors/shard.hpp): tracked_command, tracked_query,
// command_envelope (a saga's request), (query_atom|snapshot_atom|inspect_atom|passivate_atom, type,
// id), (inspect_atom, type filter, limit) -> empty (this node runs none of that peer's aggregates),
// stop_atom; and link_update from the links; and owner_read from this node's HTTP layer (a lost
// one answers status 0, saying why).
#pragma once

#include <caf/all.hpp>
#include <cstdint>

#include "actors/handles.hpp"
#include "cluster/peers.hpp"

namespace ordo::cluster {

struct forward_settings {
  std::size_t window = 1024;       // cluster.forward_window
  std::int64_t timeout_ms = 5000;  // the command timeout: how long a forward waits for its answer
};

// The shard's interface (the compiler checks that a stand-in answers all of it) and the links'.
using remote_shard_actor =
    actors::shard_actor::extend<caf::reacts_to<link_update>,
                                caf::replies_to<owner_read>::with<owner_read_reply>>;

remote_shard_actor spawn_remote_shard(caf::actor_system& system, peer_board* board,
                                      forward_settings settings);

}  // namespace ordo::cluster
