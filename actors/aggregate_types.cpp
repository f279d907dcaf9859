#include "actors/aggregate_types.hpp"

#include "actors/aggregate.hpp"

namespace ordo::actors {

caf::actor spawn_aggregate(caf::event_based_actor& shard, runtime_context* context, const std::string& type,
                           const std::string& id) {
  auto parent = caf::actor_cast<caf::actor>(&shard);
  if (type == domain::order_decider::type_name)
    return shard.spawn(aggregate_actor<domain::order_decider>, context, parent, id);
  if (type == domain::stock_decider::type_name)
    return shard.spawn(aggregate_actor<domain::stock_decider>, context, parent, id);
  if (type == domain::payment_decider::type_name)
    return shard.spawn(aggregate_actor<domain::payment_decider>, context, parent, id);
  if (type == domain::saga_decider::type_name)
    return shard.spawn(aggregate_actor<domain::saga_decider>, context, parent, id);
  return {};
}

}  // namespace ordo::actors
