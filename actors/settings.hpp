// Tunables of the actor runtime, with their defaults (config keys in parentheses).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ordo::persistence {
class personal_data_keys;
}

namespace ordo::actors {

struct runtime_settings {
  std::uint64_t snapshot_every = 100;      // aggregates.snapshot_every: events between snapshots
  std::size_t snapshots_keep = 2;          // aggregates.snapshots_keep
  std::int64_t idle_timeout_ms = 120'000;  // aggregates.idle_timeout_ms: passivate when idle
  std::size_t max_live = 1'000'000;        // aggregates.max_live: per node, LRU beyond it
  std::size_t max_pending_per_aggregate = 4096;  // commands queued at one aggregate before 429
  std::size_t max_commands_per_append = 256;     // commands of one aggregate folded into one append
  std::size_t remembered_command_ids = 1000;     // per aggregate, kept in snapshots
  // http.idempotency_ttl_hours (or _seconds): how long a client command id ("idem/<key>") keeps
  // its command from running again; its outcome is stored durably for as long.
  std::int64_t client_command_ttl_ms = 24 * 3600 * 1000;
  std::uint32_t shards = 64;  // cluster.shards
  // Shard actors that run this node's shards, each several of them (its "host"): fewer actors
  // to schedule and one completion per host and WriteBatch instead of one per shard. 0: one per
  // CAF worker thread; never more than the shards that run here.
  std::size_t shard_hosts = 0;
  std::int64_t command_timeout_ms = 5'000;   // gateway: how long a caller waits for a reply
  std::size_t max_in_flight = 4096;          // gateway: commands in flight before `overloaded`
  std::size_t gateway_actors = 4;            // gateway: actors that carry reads and inspection
  std::int64_t recovery_backoff_ms = 1'000;  // first wait after a failed recovery; doubles
  std::int64_t recovery_backoff_max_ms = 30'000;
  std::size_t bus_buffer_events = 65'536;  // live events the bus keeps for followers
  // How long the read models' projector and the saga trigger let events gather after a batch
  // that caught up with the journal, before they fetch again (actors/projector.hpp); 0: at once.
  std::int64_t views_gather_us = 1000;
  // false: OrderPlaced starts no saga (for tests of other parts that move orders by hand).
  bool run_sagas = true;
  std::int64_t saga_step_timeout_ms = 5'000;  // sagas.step_timeout_ms: deadline of each step
  std::int64_t wake_up_retry_ms = 1'000;      // a wake-up its aggregate could not take: retry
  std::size_t threads = 0;                    // CAF worker threads; 0: one per core
  // CAF settings applied over ordo's (runtime.cpp), as CAF's own names and value syntax, e.g.
  // {"work-stealing.moderate-poll-attempts", "500"}, {"work-stealing.moderate-sleep-duration",
  // "50us"}. For measurements; a value CAF cannot parse or does not take refuses the start.
  std::vector<std::pair<std::string, std::string>> caf_settings;
  // Seals personal fields before events are stored and opens them in replies (outlives the
  // runtime); null: they are stored as given (tests of other parts).
  persistence::personal_data_keys* personal_data = nullptr;
};

}  // namespace ordo::actors
