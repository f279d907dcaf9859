// Time to the first answer of one order with many events after a restart: recovering from its
// latest snapshot plus the tail (snapshot_every = 100), then from its events alone (snapshots
// removed, snapshot_every huge). The database and the runtime are reopened for every sample; the
// time runs from the query's start to its answer, after the runtime has started.
#include <algorithm>
#include <cstdio>

#include "phases.hpp"

namespace ordo::bench::commands {
namespace {

const std::string big = "big";

double first_answer_ms(const std::string& path, actors::runtime_settings settings,
                       std::uint64_t expected_version) {
  node n(path, persistence::sync_mode::none, settings);
  auto started = clock_type::now();
  auto reply = n.gate().query("order", big);
  auto elapsed = std::chrono::duration<double, std::milli>(clock_type::now() - started).count();
  if (!reply.ok() || reply.version != expected_version)
    fail("recovered order: " + std::string(actors::to_string(reply.code)) + " at version " +
         std::to_string(reply.version));
  return elapsed;
}

double median_first_answer_ms(const options& o, const std::string& path,
                              actors::runtime_settings settings, std::uint64_t expected_version) {
  std::vector<double> samples;
  for (int i = 0; i < (o.quick ? 1 : 5); ++i)
    samples.push_back(first_answer_ms(path, settings, expected_version));
  return percentile(samples, 50);
}

}  // namespace

recovery_result run_recovery(const options& o) {
  recovery_result result;
  temp_dir dir(o.base_dir, "recovery");
  auto with_snapshots = o.runtime_settings();
  with_snapshots.snapshot_every = 100;
  {
    node n(dir.path, persistence::sync_mode::none, with_snapshots);
    create_orders(n.gate(), {big});
    std::fprintf(stderr, "  writing %llu events to one order\n",
                 static_cast<unsigned long long>(o.recovery_events));
    auto& gate = n.gate();
    auto added = drive(64, 0, o.recovery_events, [&](std::uint64_t i, ticket done) {
      gate.send_async(add_item(big, i), [done](actors::command_reply r) { done(r.ok()); });
    });
    if (added.failed > 0) fail(std::to_string(added.failed) + " add_item failed");
    auto info = gate.query("order", big);
    result.events = info.version;
  }
  {
    node n(dir.path, persistence::sync_mode::none, with_snapshots);
    auto latest = n.db->snapshots().load_latest("order-" + big);
    if (!latest || !*latest) fail("no snapshot of order-" + big);
    result.snapshot_version = (*latest)->version;
  }
  result.with_snapshots_ms = median_first_answer_ms(o, dir.path, with_snapshots, result.events);
  {
    node n(dir.path, persistence::sync_mode::none, with_snapshots);
    n.stop_runtime();
    if (!n.db->snapshots().remove_matching("order-" + big, {})) fail("cannot remove the snapshots");
  }
  auto without_snapshots = o.runtime_settings();
  without_snapshots.snapshot_every = UINT64_MAX / 2;
  result.without_snapshots_ms =
      median_first_answer_ms(o, dir.path, without_snapshots, result.events);
  return result;
}

}  // namespace ordo::bench::commands
