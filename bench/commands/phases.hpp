// The phases of ordo_bench_commands; each sets up its own database in a temporary directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "driver.hpp"

namespace ordo::bench::commands {

// One concurrency level: commands through the gateway, and raw journal appends of the same
// events at the same concurrency.
struct throughput_row {
  unsigned window = 0;
  point commands;
  point raw;
};

struct throughput_result {
  std::vector<throughput_row> rows;
  std::size_t event_bytes = 0;  // the ItemAdded record appended by both (type + ids + data)
};

throughput_result run_throughput(const options& o, persistence::sync_mode sync);

struct memory_result {
  std::size_t orders = 0;
  std::uint64_t live = 0;  // aggregates live after waking them all
  std::uint64_t rss_before = 0;
  std::uint64_t rss_after = 0;
  double bytes_per_aggregate = 0;
  std::uint64_t heap_before = 0;  // malloc's bytes in use
  std::uint64_t heap_after = 0;
  double heap_bytes_per_aggregate = 0;
  double create_per_second = 0;
  double wake_per_second = 0;
};

memory_result run_memory(const options& o);

struct recovery_result {
  std::uint64_t events = 0;            // in the aggregate's stream
  std::uint64_t snapshot_version = 0;  // of the newest snapshot, before removing them
  double with_snapshots_ms = 0;        // median time to the first answer after a restart
  double without_snapshots_ms = 0;
};

recovery_result run_recovery(const options& o);

struct lag_result {
  double target_rate = 0;         // commands/s offered: half the peak
  point commands;                 // what was achieved
  double sampled_lag_p99_ms = 0;  // p99 of the projections' lag_ms, sampled every 10 ms
  double sampled_lag_max_ms = 0;
  std::uint64_t max_lag_events = 0;
  std::int64_t apply_delay_p99_ms = 0;  // the projections' own p99 (worst of the three)
  bool caught_up = false;
};

lag_result run_lag(const options& o, double peak_per_second);

}  // namespace ordo::bench::commands
