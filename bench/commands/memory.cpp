// Resident memory per live idle order aggregate: N orders are created, the runtime is restarted
// (so nothing is live), and then every order is woken by a command that writes nothing (create
// again: already_exists). VmRSS before and after waking, over N; and the same for the bytes malloc
// has handed out and not taken back (mallinfo2's uordblks), which leaves out pages malloc keeps
// but nobody uses (fragmentation) and memory not from malloc.
#include <malloc.h>

#include <cstdio>
#include <thread>

#include "phases.hpp"

namespace ordo::bench::commands {

memory_result run_memory(const options& o) {
  memory_result result;
  result.orders = o.idle_orders;
  auto settings = o.runtime_settings();
  settings.max_live = o.idle_orders * 2 + 100'000;   // no LRU passivation
  settings.idle_timeout_ms = std::int64_t{1} << 50;  // nor idle passivation
  temp_dir dir(o.base_dir, "memory");
  // A small block cache, so that what grows while waking is the actors, not cached blocks.
  node n(dir.path, persistence::sync_mode::none, settings, 8 << 20);
  auto ids = order_ids(o.idle_orders);

  std::fprintf(stderr, "  creating %zu orders\n", ids.size());
  auto started = clock_type::now();
  create_orders(n.gate(), ids);
  result.create_per_second =
      ids.size() / std::chrono::duration<double>(clock_type::now() - started).count();

  n.start_runtime(settings);  // nothing live
  malloc_trim(0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  result.rss_before = rss_bytes();
  result.heap_before = mallinfo2().uordblks;

  std::fprintf(stderr, "  waking %zu orders\n", ids.size());
  auto& gate = n.gate();
  auto woken = drive(256, 0, ids.size(), [&](std::uint64_t i, ticket done) {
    actors::command_envelope e;
    e.aggregate_type = "order";
    e.aggregate_id = ids[i];
    e.command = "create";
    e.body = R"({"customer_id":"c-1"})";
    e.issued_at_ms = now_ms();
    gate.send_async(std::move(e), [done](actors::command_reply r) {
      done(r.code == actors::outcome::already_exists);
    });
  });
  if (woken.failed > 0)
    fail(std::to_string(woken.failed) + " orders did not answer already_exists");
  result.wake_per_second = woken.per_second;
  malloc_trim(0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  result.rss_after = rss_bytes();
  result.heap_after = mallinfo2().uordblks;
  result.live = n.rt->context().stats.aggregates_live.load();
  result.bytes_per_aggregate =
      (static_cast<double>(result.rss_after) - static_cast<double>(result.rss_before)) /
      static_cast<double>(ids.size());
  result.heap_bytes_per_aggregate =
      (static_cast<double>(result.heap_after) - static_cast<double>(result.heap_before)) /
      static_cast<double>(ids.size());
  return result;
}

}  // namespace ordo::bench::commands
