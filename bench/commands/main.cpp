// ordo_bench_commands: commands through the actor runtime (gateway -> shard -> aggregate ->
// journal) next to raw journal appends of the same events in the same run, plus memory per idle
// aggregate, recovery time and projection lag. See README.md.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "json_report.hpp"
#include "phases.hpp"

namespace ordo::bench::commands {
namespace {

constexpr double ratio_target = 0.6;
constexpr double none_target = 150'000;
constexpr double always_target = 100'000;
constexpr double bytes_target = 2048;
constexpr double lag_target_ms = 50;

void usage(const char* self) {
  std::fprintf(stderr,
               "usage: %s [--quick] [--orders N] [--aggregates N] [--seconds S] [--repeat N] "
               "[--windows 1,16,64,256]\n"
               "          [--recovery-events N] [--dir PATH] [--sync none|always|both] [--no-raw] "
               "[--no-projections]\n"
               "          [--skip-throughput] [--skip-memory] [--skip-recovery] [--skip-lag] "
               "[--json FILE]\n"
               "          [--caf NAME=VALUE]... (CAF settings, e.g. "
               "work-stealing.moderate-poll-attempts=0)\n"
               "          [--shard-hosts N] (actors that run the shards; 0: one per worker)\n"
               "          [--views-gather-us N] (the projector's gathering; 0: none)\n",
               self);
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  o.command = argv[0];
  for (int i = 1; i < argc; ++i) o.command += std::string(" ") + argv[i];
  o.base_dir = std::filesystem::temp_directory_path().string();
  bool repeat_given = false, orders_given = false, aggregates_given = false, seconds_given = false,
       events_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(argv[0]);
      return argv[++i];
    };
    if (a == "--quick") {
      o.quick = true;
    } else if (a == "--orders") {
      o.idle_orders = std::stoull(value()), orders_given = true;
    } else if (a == "--aggregates") {
      o.aggregates = std::stoull(value()), aggregates_given = true;
    } else if (a == "--seconds") {
      o.seconds = std::stod(value()), seconds_given = true;
    } else if (a == "--repeat") {
      o.repeat = std::stoi(value()), repeat_given = true;
    } else if (a == "--recovery-events") {
      o.recovery_events = std::stoull(value()), events_given = true;
    } else if (a == "--windows") {
      o.windows.clear();
      std::stringstream list(value());
      for (std::string w; std::getline(list, w, ',');)
        o.windows.push_back(static_cast<unsigned>(std::stoul(w)));
    } else if (a == "--dir") {
      o.base_dir = value();
    } else if (a == "--sync") {
      auto mode = value();
      if (mode != "none" && mode != "always" && mode != "both") usage(argv[0]);
      o.sync_none = mode != "always";
      o.sync_always = mode != "none";
    } else if (a == "--no-projections") {
      o.projections = false;
    } else if (a == "--no-raw") {
      o.raw = false;
    } else if (a == "--skip-throughput") {
      o.throughput = false;
    } else if (a == "--skip-memory") {
      o.memory = false;
    } else if (a == "--skip-recovery") {
      o.recovery = false;
    } else if (a == "--skip-lag") {
      o.lag = false;
    } else if (a == "--json") {
      o.json_path = value();
    } else if (a == "--caf") {
      auto setting = value();
      auto equals = setting.find('=');
      if (equals == std::string::npos || equals == 0) usage(argv[0]);
      o.caf_settings.emplace_back(setting.substr(0, equals), setting.substr(equals + 1));
    } else if (a == "--shard-hosts") {
      o.shard_hosts = std::stoul(value());
    } else if (a == "--views-gather-us") {
      o.views_gather_us = std::stoll(value());
    } else {
      usage(argv[0]);
    }
  }
  if (o.quick) {
    if (!orders_given) o.idle_orders = 20'000;
    if (!aggregates_given) o.aggregates = 1'000;
    if (!seconds_given) o.seconds = 0.5;
    if (!events_given) o.recovery_events = 2'000;
    if (!repeat_given) o.repeat = 1;
  }
  if (o.windows.empty() || o.aggregates == 0 || o.idle_orders == 0 || o.seconds <= 0 ||
      o.repeat < 1)
    usage(argv[0]);
  return o;
}

const char* verdict(bool ok) {
  return ok ? "met" : "MISSED";
}

double peak_of(const throughput_result& t) {
  double peak = 0;
  for (auto& r : t.rows) peak = std::max(peak, r.commands.per_second);
  return peak;
}

void print_throughput(const char* sync, const throughput_result& t) {
  for (auto& r : t.rows) {
    double ratio = r.raw.per_second > 0 ? r.commands.per_second / r.raw.per_second : 0;
    double cpu_ratio = r.commands.cpu_us > 0 ? r.raw.cpu_us / r.commands.cpu_us : 0;
    std::printf(
        "%-7s %9u %11.0f %9.0f %9.0f %8.1f %9.0f %8.1f %13.0f %9.0f %9.0f %8.1f %7.1f %7.2f %7.2f",
        sync, r.window, r.commands.per_second, r.commands.p50_us, r.commands.p99_us,
        r.commands.events_per_batch, r.commands.catch_up_ms, r.commands.cpu_us, r.raw.per_second,
        r.raw.p50_us, r.raw.p99_us, r.raw.events_per_batch, r.raw.cpu_us, ratio, cpu_ratio);
    if (r.commands.failed > 0)
      std::printf("  (%llu commands failed)", static_cast<unsigned long long>(r.commands.failed));
    std::printf("\n");
  }
}

int run(const options& o) {
  throughput_result none, always;
  if (o.throughput && o.sync_none) {
    std::fprintf(stderr, "ordo_bench_commands: throughput, sync=none\n");
    none = run_throughput(o, persistence::sync_mode::none);
  }
  if (o.throughput && o.sync_always) {
    std::fprintf(stderr, "ordo_bench_commands: throughput, sync=always\n");
    always = run_throughput(o, persistence::sync_mode::always);
  }
  memory_result memory;
  if (o.memory) {
    std::fprintf(stderr, "ordo_bench_commands: memory\n");
    memory = run_memory(o);
  }
  recovery_result recovery;
  if (o.recovery) {
    std::fprintf(stderr, "ordo_bench_commands: recovery\n");
    recovery = run_recovery(o);
  }
  lag_result lag;
  if (o.lag) {
    std::fprintf(stderr, "ordo_bench_commands: projection lag\n");
    lag = run_lag(o, o.sync_always ? peak_of(always) : 20'000);
  }

  std::printf(
      "\nordo_bench_commands%s: add_item (1 unit, fresh command id) to random orders among %zu,\n"
      "gateway -> shard -> aggregate -> journal, in one process; median of %d runs of %.1f s per "
      "point,\n"
      "commands and raw alternating, after a warm-up;\n"
      "raw = persistence::journal::append_async of the same %zu-byte ItemAdded at the same "
      "in-flight count;\n"
      "%u hardware threads\n\n",
      o.quick ? " --quick" : "", o.aggregates, o.repeat, o.seconds,
      std::max(none.event_bytes, always.event_bytes), std::thread::hardware_concurrency());
  std::printf("%-7s %9s %11s %9s %9s %8s %9s %8s %13s %9s %9s %8s %7s %7s %7s\n", "sync",
              "in-flight", "commands/s", "p50 us", "p99 us", "ev/batch", "views ms", "cpu us",
              "raw appends/s", "raw p50", "raw p99", "ev/batch", "raw cpu", "ratio", "cpu rat");
  print_throughput("none", none);
  print_throughput("always", always);

  double min_ratio = 1e9;
  for (auto* t : {&none, &always})
    for (auto& r : t->rows)
      if (r.raw.per_second > 0)
        min_ratio = std::min(min_ratio, r.commands.per_second / r.raw.per_second);
  std::printf("\n");
  if (o.memory) {
    std::printf(
        "memory    %zu idle orders live (%llu counted): VmRSS %.1f MiB -> %.1f MiB = %.0f bytes "
        "per aggregate\n"
        "          (malloc in use %.0f bytes per aggregate; created at %.0f/s, woken at %.0f/s;\n"
        "          block cache 8 MiB)\n",
        memory.orders, static_cast<unsigned long long>(memory.live), memory.rss_before / 1048576.0,
        memory.rss_after / 1048576.0, memory.bytes_per_aggregate, memory.heap_bytes_per_aggregate,
        memory.create_per_second, memory.wake_per_second);
  } else {
    std::printf("memory    not measured (--skip-memory)\n");
  }
  if (o.recovery) {
    std::printf(
        "recovery  one order with %llu events, first answer after restart: %.1f ms from the "
        "snapshot at v%llu\n"
        "          + tail (snapshot_every=100), %.1f ms from events alone (snapshots removed)\n",
        static_cast<unsigned long long>(recovery.events), recovery.with_snapshots_ms,
        static_cast<unsigned long long>(recovery.snapshot_version), recovery.without_snapshots_ms);
  } else {
    std::printf("recovery  not measured (--skip-recovery)\n");
  }
  if (o.lag) {
    std::printf(
        "lag       sync=always, %.0f commands/s offered (50%% of peak), %.0f/s achieved (p99 %.0f "
        "us):\n"
        "          sampled lag_ms p99 %.0f ms (max %.0f ms, max %llu events behind); projections' "
        "own\n"
        "          apply_delay_p99_ms %lld ms%s\n",
        lag.target_rate, lag.commands.per_second, lag.commands.p99_us, lag.sampled_lag_p99_ms,
        lag.sampled_lag_max_ms, static_cast<unsigned long long>(lag.max_lag_events),
        static_cast<long long>(lag.apply_delay_p99_ms), lag.caught_up ? "" : "; DID NOT CATCH UP");
  } else {
    std::printf("lag       not measured (--skip-lag)\n");
  }

  if (!o.json_path.empty()) {
    const bool written =
        write_json_report(o.json_path, o, {&none, &always}, o.memory ? &memory : nullptr,
                          o.recovery ? &recovery : nullptr, o.lag ? &lag : nullptr);
    if (!written) {
      std::fprintf(stderr, "ordo_bench_commands: cannot write %s\n", o.json_path.c_str());
      return 1;
    }
  }

  std::printf("\ntargets\n");
  if (o.throughput && o.raw)
    std::printf("  commands/s >= %.1f x raw journal at every point   worst %.2f x        %s\n",
                ratio_target, min_ratio, verdict(min_ratio >= ratio_target));
  if (o.throughput && o.sync_none)
    std::printf("  sync=none   >= %.0f commands/s                  peak %.0f/s      %s\n",
                none_target, peak_of(none), verdict(peak_of(none) >= none_target));
  if (o.throughput && o.sync_always)
    std::printf("  sync=always >= %.0f commands/s                  peak %.0f/s      %s\n",
                always_target, peak_of(always), verdict(peak_of(always) >= always_target));
  if (o.memory)
    std::printf("  idle order aggregate <= 2 KiB                       %.0f B          %s\n",
                memory.bytes_per_aggregate, verdict(memory.bytes_per_aggregate <= bytes_target));
  if (o.lag) {
    double p99 = std::max(lag.sampled_lag_p99_ms, static_cast<double>(lag.apply_delay_p99_ms));
    std::printf("  projection lag p99 <= %.0f ms                        %.0f ms          %s\n",
                lag_target_ms, p99, verdict(p99 <= lag_target_ms && lag.caught_up));
  }
  return 0;
}

}  // namespace
}  // namespace ordo::bench::commands

int main(int argc, char** argv) {
  try {
    return ordo::bench::commands::run(ordo::bench::commands::parse(argc, argv));
  } catch (const std::invalid_argument& e) {  // a --caf setting the runtime refused
    std::fprintf(stderr, "ordo_bench_commands: %s\n", e.what());
    return 2;
  }
}
