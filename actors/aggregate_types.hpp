// The aggregate types a node runs, by name: "order", "stock", "payment".
#pragma once

#include <caf/all.hpp>

#include <string>

#include "actors/context.hpp"

namespace ordo::actors {

// Spawns the aggregate actor for (type, id) as a child of `shard`; invalid handle for an unknown type.
caf::actor spawn_aggregate(shard_actor::base& shard, runtime_context* context,
                           const std::string& type, const std::string& id);

}  // namespace ordo::actors
