// Counters of one node's runtime for metrics and inspection: written by actors, read by anyone.
#pragma once

#include <atomic>
#include <cstdint>

namespace ordo::actors {

struct runtime_stats {
  std::atomic<std::uint64_t> aggregates_live{0};
  std::atomic<std::uint64_t> passivated{0};
  std::atomic<std::uint64_t> snapshots_written{0};
  std::atomic<std::uint64_t> recoveries{0};
  std::atomic<std::uint64_t> recovery_failures{0};
  std::atomic<std::uint64_t> recovery_micros{0};
  std::atomic<std::uint64_t> aggregate_crashes{0};
};

}  // namespace ordo::actors
