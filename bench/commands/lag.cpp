// Projection lag under half the peak command rate (sync=always): the runtime's three projections
// follow the event bus while add_item commands arrive on an open-loop schedule. A sampler asks
// the gateway for every projection's projection_info every 10 ms and keeps lag_ms (the age of the
// oldest event not yet applied); at the end each projection's own apply_delay_p99_ms (event
// timestamp to rows written, over its last ~1000 live batches) is read too.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "phases.hpp"

namespace ordo::bench::commands {

lag_result run_lag(const options& o, double peak_per_second) {
  lag_result result;
  result.target_rate = peak_per_second / 2;
  temp_dir dir(o.base_dir, "lag");
  node n(dir.path, persistence::sync_mode::always, o.runtime_settings());
  auto ids = order_ids(o.aggregates);
  create_orders(n.gate(), ids);
  auto& gate = n.gate();
  if (!await_projections(n, std::chrono::seconds(120)))
    fail("the projections did not catch up with the created orders");

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<double> lag_ms;
  std::thread sampler([&] {
    while (!stop.load()) {
      for (auto& info : gate.projections()) {
        std::lock_guard lock(mutex);
        lag_ms.push_back(static_cast<double>(info.lag_ms));
        result.max_lag_events = std::max(result.max_lag_events, info.lag_events);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });

  std::fprintf(stderr, "  projection lag at %.0f commands/s\n", result.target_rate);
  std::mt19937_64 rng(7);
  std::uint64_t counter = 0;
  result.commands = drive(
      256, o.quick ? 1.0 : 5.0, UINT64_MAX,
      [&](std::uint64_t, ticket done) {
        gate.send_async(add_item(ids[rng() % ids.size()], counter++),
                        [done](actors::command_reply r) { done(r.ok()); });
      },
      result.target_rate);
  stop = true;
  sampler.join();
  result.caught_up = await_projections(n, std::chrono::seconds(120));

  for (auto& info : gate.projections())
    result.apply_delay_p99_ms = std::max(result.apply_delay_p99_ms, info.apply_delay_p99_ms);
  if (!lag_ms.empty()) {
    result.sampled_lag_max_ms = *std::max_element(lag_ms.begin(), lag_ms.end());
    result.sampled_lag_p99_ms = percentile(lag_ms, 99);
  }
  return result;
}

}  // namespace ordo::bench::commands
