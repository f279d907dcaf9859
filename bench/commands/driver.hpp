// The pieces every phase of ordo_bench_commands shares: options, a windowed load driver with
// latency recording, temporary directories, the runtime's start and stop, and process memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "actors/runtime.hpp"
#include "persistence/database.hpp"

namespace ordo::bench::commands {

using clock_type = std::chrono::steady_clock;

struct options {
  bool quick = false;
  std::size_t aggregates = 10'000;      // orders the throughput phases spread commands over
  std::size_t idle_orders = 1'000'000;  // --orders: idle aggregates of the memory phase
  std::uint64_t recovery_events = 10'000;
  double seconds = 2.0;  // per throughput run
  int repeat = 3;  // runs per throughput point, commands and raw alternating; the median counts
  std::vector<unsigned> windows{1, 16, 64, 256};
  std::string base_dir;                       // where the temporary databases go
  bool sync_none = true, sync_always = true;  // --sync none|always|both
  bool raw = true;                            // --no-raw: commands only (for profiling)
  bool projections = true;                    // --no-projections: stop them (diagnosis only)
  bool throughput = true, memory = true, recovery = true, lag = true;
  std::string json_path;  // --json FILE: the run's figures for scripts
  std::string command;    // the command line, for the JSON report
  // --caf NAME=VALUE: CAF settings over ordo's, e.g. work-stealing.moderate-poll-attempts=0
  std::vector<std::pair<std::string, std::string>> caf_settings;
  std::size_t shard_hosts = 0;  // --shard-hosts N: runtime_settings::shard_hosts (0: its default)
  std::int64_t views_gather_us = -1;  // --views-gather-us N: runtime_settings's (-1: its default)

  // The runtime's default settings with the --caf and --shard-hosts ones.
  actors::runtime_settings runtime_settings() const {
    actors::runtime_settings settings;
    settings.caf_settings = caf_settings;
    settings.shard_hosts = shard_hosts;
    if (views_gather_us >= 0) settings.views_gather_us = views_gather_us;
    return settings;
  }
};

// One measured point: completed operations per second and their latencies.
struct point {
  double per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;     // completed with an error (counted in per_second too)
  double events_per_batch = 0;  // journal WriteBatch size during the run, where measured
  double catch_up_ms = 0;       // commands: how long the projections took to catch up afterwards
  // CPU time of the whole process (every thread) per completed operation, in µs: unlike the
  // rates, it hardly moves when other processes load the machine. For commands it includes the
  // projections' catch-up afterwards.
  double cpu_us = 0;
};

// CPU time (user + system) this process has used so far, in µs.
double process_cpu_us();

struct run_state;

// Handed to each issued operation; call it exactly once, from any thread, when it completes.
class ticket {
 public:
  ticket(std::shared_ptr<run_state> run, std::uint64_t index, clock_type::time_point started)
      : run_(std::move(run)), index_(index), started_(started) {}
  void operator()(bool ok) const;

 private:
  std::shared_ptr<run_state> run_;
  std::uint64_t index_;
  clock_type::time_point started_;
};

using issue_fn = std::function<void(std::uint64_t index, ticket done)>;

// Issues operations with at most `window` in flight until `seconds` have passed or `max_count`
// were issued, then waits for the rest. With `rate` > 0 operations start on an open-loop
// schedule of `rate` per second (still bounded by the window). Throughput counts from the first
// issue to the last completion.
point drive(unsigned window, double seconds, std::uint64_t max_count, const issue_fn& issue,
            double rate = 0);

// A fresh directory, removed with everything in it when this goes out of scope.
struct temp_dir {
  explicit temp_dir(const std::string& base, const std::string& tag);
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string path;
};

// A database and a runtime (with its projections) over it, stopped in the right order.
struct node {
  node(const std::string& path, persistence::sync_mode sync, actors::runtime_settings settings,
       std::size_t block_cache_bytes = 64 << 20);
  ~node();
  void stop_runtime();  // the database stays open
  void start_runtime(actors::runtime_settings settings);
  actors::gateway& gate() { return rt->gateway(); }

  std::unique_ptr<persistence::database> db;
  std::unique_ptr<actors::runtime> rt;
};

std::int64_t now_ms();
std::uint64_t rss_bytes();                                  // VmRSS of this process
double percentile(std::vector<double>& samples, double p);  // nearest rank; reorders samples

[[noreturn]] void fail(const std::string& what);

// Waits until the projections have applied every event the journal holds, for up to `limit`:
// one await is answered false after ~15 s (actors/projector.hpp), a backlog of a million
// creates takes longer on a loaded machine. False if they did not catch up within `limit`.
bool await_projections(node& n, std::chrono::seconds limit);

// Creates orders ids[0..count) through the gateway (already_exists counts as done).
void create_orders(actors::gateway& gate, const std::vector<std::string>& ids,
                   unsigned window = 256);
std::vector<std::string> order_ids(std::size_t count, const std::string& prefix = "o-");

// An add_item of one unit for `id` with a fresh command id, stamped now.
actors::command_envelope add_item(const std::string& id, std::uint64_t n);

}  // namespace ordo::bench::commands
