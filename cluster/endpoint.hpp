// The actor a node publishes on its cluster port (the interface is endpoint_actor in
// cluster/wire.hpp). It answers handshakes with this node's node_hello (and tells the links of
// the peer that said hello), and hands commands and
// reads from peers to this node's own shard of their key, which answers the peer directly; keys
// whose shard this node does not own are refused (unavailable, nothing applied): forwarding them
// on would let two nodes write one stream.
#pragma once

#include <caf/all.hpp>
#include <vector>

#include "actors/handles.hpp"
#include "cluster/peers.hpp"
#include "cluster/wire.hpp"

namespace ordo::cluster {

// `local_shards` by shard index: this node's shard, or an invalid handle where another node owns
// the shard. A peer's hello goes on to `links` (cluster/peers.hpp, greeted_atom). `reads` runs
// the owner_reads peers send (none: they are answered status 0).
endpoint_actor spawn_endpoint(caf::actor_system& system, node_hello hello,
                              std::vector<actors::shard_actor> local_shards, caf::actor links,
                              owner_read_handler reads = {});

}  // namespace ordo::cluster
