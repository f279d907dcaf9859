// Commands per second through gateway -> shard -> aggregate -> journal, and the raw journal
// append rate of the same events at the same concurrency, in the same run. Both databases are
// open at once and the two are measured alternately, so that a change in the machine's load
// (or the disk's fsync time) affects both sides of a ratio alike. After each commands run the
// projections are given time to catch up (that time is shown, not counted), so that their
// backlog does not slow the raw run that follows.
#include <algorithm>
#include <cstdio>
#include <random>

#include "actors/messages.hpp"
#include "phases.hpp"

namespace ordo::bench::commands {
namespace {

using persistence::sync_mode;

const char* name_of(sync_mode sync) {
  return sync == sync_mode::always ? "always" : "none";
}

double warmup_seconds(const options& o) {
  return o.quick ? 0.1 : 0.5;
}

// The last event of the order's stream: an ItemAdded as its aggregate wrote it.
persistence::event_data sample_event(persistence::database& db, const std::string& order_id) {
  auto events = db.events().read("order-" + order_id);
  if (!events || events->empty() || events->back().type != "ItemAdded")
    fail("no ItemAdded event in order-" + order_id + " to copy");
  return static_cast<const persistence::event_data&>(events->back());
}

// Runs `drive` and notes the journal's average WriteBatch size meanwhile.
point measure(persistence::journal& journal, unsigned window, double seconds,
              const issue_fn& issue) {
  auto before = journal.stats();
  auto cpu_before = process_cpu_us();
  auto p = drive(window, seconds, UINT64_MAX, issue);
  p.cpu_us = process_cpu_us() - cpu_before;  // a total for now; per operation below
  auto after = journal.stats();
  if (p.completed > 0) p.cpu_us /= static_cast<double>(p.completed);
  if (after.batches > before.batches)
    p.events_per_batch = static_cast<double>(after.events_appended - before.events_appended) /
                         static_cast<double>(after.batches - before.batches);
  return p;
}

point median(std::vector<point> runs) {
  std::sort(runs.begin(), runs.end(), [](auto& a, auto& b) { return a.per_second < b.per_second; });
  return runs[runs.size() / 2];
}

}  // namespace

throughput_result run_throughput(const options& o, sync_mode sync) {
  throughput_result result;
  // Commands: a runtime over its own database, with the orders created.
  temp_dir gateway_dir(o.base_dir, "gateway");
  node n(gateway_dir.path, sync, o.runtime_settings());
  if (!o.projections)  // a diagnosis: what the write path does without the read side
    caf::anon_send(n.rt->projector(), actors::stop_atom::value);
  auto ids = order_ids(o.aggregates);
  create_orders(n.gate(), ids);
  auto& gate = n.gate();
  std::mt19937_64 rng(42);
  std::uint64_t counter = 0;
  auto first = gate.send(add_item(ids[0], counter++));
  if (!first.ok())
    fail("add_item: " + std::string(actors::to_string(first.code)) + " " + first.message);
  const auto sample = sample_event(*n.db, ids[0]);
  result.event_bytes = sample.type.size() + sample.command_id.size() +
                       sample.correlation_id.size() + sample.causation_id.size() +
                       sample.data.size();
  issue_fn command = [&](std::uint64_t, ticket done) {
    const auto& id = ids[rng() % ids.size()];
    gate.send_async(add_item(id, counter++), [done](actors::command_reply r) { done(r.ok()); });
  };

  // Raw: the journal alone, over a database of the same shape (every stream has a first event).
  temp_dir raw_dir(o.base_dir, "raw");
  auto opened = persistence::database::open({.path = raw_dir.path, .sync = sync});
  if (!opened) fail("open: " + opened.error().message);
  auto& journal = (*opened)->events();
  auto streams = order_ids(o.aggregates, "order-o-");
  auto append = [&](const std::string& stream, ticket done) {
    persistence::append_request request{stream, persistence::expected_version::any(), {sample}, {}};
    request.events[0].command_id = "bench-" + std::to_string(counter++);
    request.events[0].timestamp_ms = now_ms();
    journal.append_async(
        std::move(request),
        [done](persistence::result<persistence::append_result> r) { done(r.has_value()); });
  };
  auto created = drive(256, 0, streams.size(),
                       [&](std::uint64_t i, ticket done) { append(streams[i], std::move(done)); });
  if (created.failed > 0) fail("raw journal: appends failed");
  issue_fn raw = [&](std::uint64_t, ticket done) {
    append(streams[rng() % streams.size()], std::move(done));
  };

  for (auto window : o.windows) {
    std::fprintf(stderr, "  sync=%s in-flight=%u\n", name_of(sync), window);
    drive(window, warmup_seconds(o), UINT64_MAX, command);
    if (o.raw) drive(window, warmup_seconds(o), UINT64_MAX, raw);
    std::vector<point> commands, raws;
    for (int r = 0; r < o.repeat; ++r) {
      commands.push_back(measure(n.db->events(), window, o.seconds, command));
      // Let the projections finish the backlog, so that it does not slow the raw run down.
      if (o.projections) {
        auto started = clock_type::now();
        auto cpu_before = process_cpu_us();
        if (!await_projections(n, std::chrono::seconds(300)))
          fail("the projections did not catch up");
        auto& run = commands.back();
        run.catch_up_ms =
            std::chrono::duration<double, std::milli>(clock_type::now() - started).count();
        if (run.completed > 0)
          run.cpu_us += (process_cpu_us() - cpu_before) / static_cast<double>(run.completed);
      }
      raws.push_back(o.raw ? measure(journal, window, o.seconds, raw) : point{});
      if (raws.back().failed > 0) fail("raw journal: appends failed");
    }
    result.rows.push_back({window, median(commands), median(raws)});
  }
  return result;
}

}  // namespace ordo::bench::commands
