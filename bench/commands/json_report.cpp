#include "json_report.hpp"

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

namespace ordo::bench::commands {
namespace {

using nlohmann::json;

// /proc/loadavg's 1, 5 and 15 minute figures, or an empty array off Linux.
json load_average() {
  std::ifstream in("/proc/loadavg");
  json out = json::array();
  double value = 0;
  for (int i = 0; i < 3 && (in >> value); ++i) out.push_back(value);
  return out;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

json figures(const point& p) {
  return {{"per_second", p.per_second},
          {"p50_us", p.p50_us},
          {"p99_us", p.p99_us},
          {"cpu_us_per_op", p.cpu_us},
          {"events_per_batch", p.events_per_batch},
          {"completed", p.completed},
          {"failed", p.failed}};
}

double ratio(double a, double b) {
  return b > 0 ? a / b : 0;
}

}  // namespace

bool write_json_report(const std::string& path, const options& o,
                       std::array<const throughput_result*, 2> throughput,
                       const memory_result* memory, const recovery_result* recovery,
                       const lag_result* lag) {
  json points = json::array();
  const char* sync_names[] = {"none", "always"};
  for (std::size_t i = 0; i < throughput.size(); ++i) {
    for (const auto& row : throughput[i]->rows) {
      json commands = figures(row.commands);
      commands["views_catch_up_ms"] = row.commands.catch_up_ms;
      json point{{"sync", sync_names[i]},
                 {"in_flight", row.window},
                 {"commands", std::move(commands)},
                 {"baseline", o.raw ? figures(row.raw) : json(nullptr)},
                 // commands/s over raw appends/s, and raw CPU per append over CPU per command:
                 // both above 1 when the commands do better.
                 {"ratio", o.raw ? ratio(row.commands.per_second, row.raw.per_second) : 0.0},
                 {"cpu_ratio", o.raw ? ratio(row.raw.cpu_us, row.commands.cpu_us) : 0.0}};
      points.push_back(std::move(point));
    }
  }
  json report{{"benchmark", "ordo_bench_commands"},
              {"command", o.command},
              {"date", utc_now()},
              {"load_average", load_average()},
              {"quick", o.quick},
              {"aggregates", o.aggregates},
              {"seconds_per_run", o.seconds},
              {"repeat", o.repeat},
              {"baseline", "persistence::journal::append_async of the same ItemAdded"},
              {"throughput", std::move(points)}};
  if (memory)
    report["memory"] = {{"orders", memory->orders},
                        {"live", memory->live},
                        {"bytes_per_aggregate", memory->bytes_per_aggregate},
                        {"heap_bytes_per_aggregate", memory->heap_bytes_per_aggregate}};
  if (recovery)
    report["recovery"] = {{"events", recovery->events},
                          {"with_snapshots_ms", recovery->with_snapshots_ms},
                          {"without_snapshots_ms", recovery->without_snapshots_ms}};
  if (lag)
    report["lag"] = {{"target_rate", lag->target_rate},
                     {"achieved_per_second", lag->commands.per_second},
                     {"sampled_lag_p99_ms", lag->sampled_lag_p99_ms},
                     {"sampled_lag_max_ms", lag->sampled_lag_max_ms},
                     {"apply_delay_p99_ms", lag->apply_delay_p99_ms},
                     {"caught_up", lag->caught_up}};
  std::ofstream out(path, std::ios::trunc);
  out << report.dump(2) << '\n';
  return static_cast<bool>(out);
}

}  // namespace ordo::bench::commands
