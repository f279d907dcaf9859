#include "actors/aggregate_types.hpp"

#include "actors/aggregate.hpp"
#include "domain/aggregate_types.hpp"

namespace ordo::actors {

caf::actor spawn_aggregate(shard_actor::base& shard, runtime_context* context,
                           const std::string& type, const std::string& id) {
  auto parent = caf::actor_cast<shard_actor>(&shard);
  return domain::with_decider(type,
                              [&]<domain::decider D>() {
                                return shard.spawn(aggregate_actor<D>, context, parent, id);
                              })
      .value_or(caf::actor{});
}

}  // namespace ordo::actors
