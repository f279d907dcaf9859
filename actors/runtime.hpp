// One node's actor runtime: the CAF actor system, the shards and their aggregates, the event
// bus, the snapshot writer and the gateway. The database outlives it.
#pragma once

#include <caf/all.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "actors/context.hpp"
#include "actors/gateway.hpp"
#include "actors/settings.hpp"
#include "persistence/database.hpp"

namespace ordo::actors {

// Sets CAF's scheduler as the runtime runs it (worker threads, idle polling, the settings' own
// CAF settings) and returns the number of worker threads. Throws std::invalid_argument for a
// CAF setting CAF does not take.
std::size_t configure_scheduler(caf::actor_system_config& config, const runtime_settings& settings);

class runtime {
 public:
  // Per shard index, what stands in for a shard this node does not own (an actor that forwards to
  // the owner, see cluster/remote_shard.hpp), or an invalid handle: the shard runs here. It may
  // return the same actor for several indexes.
  using shard_stand_in = std::function<shard_actor(caf::actor_system&, std::uint32_t index)>;

  // `configure` may adjust CAF's configuration (e.g. load the middleman) before the system starts.
  runtime(persistence::database& db, runtime_settings settings,
          std::function<void(caf::actor_system_config&)> configure = {},
          shard_stand_in stand_in = {});
  // Stops accepting commands, stops every actor, waits for the journal to finish what they
  // started, and then shuts the actor system down.
  ~runtime();
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  class gateway& gateway() {
    return *gateway_;
  }
  caf::actor_system& system() { return *system_; }
  runtime_context& context() { return context_; }
  const std::vector<shard_actor>& shards() const { return shards_; }
  event_bus_actor bus() const { return context_.bus; }
  // The actor that runs every read-model view (actors/projector.hpp).
  projector_actor projector() const { return projector_; }

 private:
  runtime_context context_;
  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
  std::vector<shard_actor> shards_;
  projector_actor projector_;
  deadline_scheduler_actor deadlines_;
  projector_actor saga_trigger_;
  std::unique_ptr<class gateway> gateway_;
};

}  // namespace ordo::actors
