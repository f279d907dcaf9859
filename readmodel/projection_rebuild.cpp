#include "readmodel/projection_rebuild.hpp"

#include <algorithm>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "readmodel/journal_prefetch.hpp"

namespace ordo::readmodel {

persistence::result<void> clear_projection(persistence::kv_store& kv, projection& view) {
  view.forget();
  persistence::kv_write no_checkpoint{checkpoint_key(view.name()), std::nullopt};
  return kv.erase_prefix_then_write(view.row_prefix(), std::span(&no_checkpoint, 1));
}

persistence::result<journal_step> apply_journal_step(const persistence::journal& journal,
                                                     persistence::kv_store& kv, projection& view,
                                                     std::uint64_t after, std::size_t max_events) {
  auto events = journal.read_all(after + 1, max_events);
  if (!events) return std::unexpected(std::move(events.error()));
  journal_step step{events->size(), after, events->size() < max_events};
  if (events->empty()) return step;
  auto committed = apply_and_commit(view, kv, *events, after);
  if (!committed) return std::unexpected(std::move(committed.error()));
  step.position = *committed;
  return step;
}

namespace {

// The last write of each row of a step, in key order, with the step's checkpoint in its place.
std::vector<persistence::kv_write> step_writes(const row_batch& rows, std::string_view view_name,
                                               std::uint64_t position) {
  auto writes = rows.copy_writes();
  auto checkpoint = checkpoint_write(view_name, position);
  auto at = std::ranges::lower_bound(
      writes, checkpoint.key, std::less<>{},
      [](const persistence::kv_write& w) -> std::string_view { return w.key; });
  writes.insert(at, std::move(checkpoint));
  return writes;
}

// A step's writes as one atomic write: its rows and checkpoint as a file ingested, a checkpoint
// alone (a step whose events changed no row) as a WriteBatch without the WAL, where a file's
// syncs would cost far more than the memtable. A crash loses such a checkpoint, never gets it
// ahead of the rows: the next ingest holds the same key, so RocksDB flushes it before.
persistence::result<void> write_step(persistence::kv_store& kv,
                                     std::span<const persistence::kv_write> writes) {
  return writes.size() == 1 ? kv.write_without_wal(writes) : kv.ingest_sorted(writes);
}

}  // namespace

persistence::result<rebuild_progress> rebuild_projection(
    persistence::database& db, projection& view,
    const std::function<void(const rebuild_progress&)>& on_progress, std::size_t batch_events) {
  auto& kv = db.kv();
  if (auto cleared = clear_projection(kv, view); !cleared)
    return std::unexpected(std::move(cleared.error()));
  rebuild_progress progress;
  progress.last_position = db.events().last_position();
  // Three stages: the journal is read (and decoded) a piece ahead by journal_prefetch; the
  // pieces are applied into one row_batch per step; and each step's rows are ingested as one
  // sorted file (kv_store::ingest_sorted) while the next step is applied. One ingest at a time, in
  // step order, so the checkpoints reach the store in order; the step being applied reads the
  // rows of the one being ingested through row_batch, not from the store, which may not have
  // them yet.
  auto piece_events = std::min(batch_events, rebuild_read_events);
  journal_prefetch journal(
      db.events(), 1, piece_events,
      [&view](const persistence::recorded_event& e) { return view.decodes_order_event(e); });
  // The step being ingested: only read, by the step being applied and by the ingest.
  std::unique_ptr<row_batch> ingesting;
  std::future<persistence::result<void>> writing;  // valid while `ingesting` is being ingested
  std::uint64_t ingesting_events = 0;
  std::uint64_t ingesting_position = 0;
  auto finish_write = [&]() -> persistence::result<void> {
    if (!writing.valid()) return {};
    auto written = writing.get();
    if (!written) {
      view.forget();  // it holds rows that never reached the store
      return written;
    }
    progress.events += ingesting_events;
    progress.position = ingesting_position;
    if (on_progress) on_progress(progress);
    return {};
  };
  auto failed = [&](persistence::storage_error error) -> persistence::result<rebuild_progress> {
    view.forget();  // it holds rows of a step that is not written
    (void)finish_write();
    return std::unexpected(std::move(error));
  };
  std::unique_ptr<row_batch> rows;  // the step being applied
  std::uint64_t step_events = 0;
  std::uint64_t applied = 0;  // the last position applied, written or not
  for (;;) {
    auto events = journal.next();
    if (!events) return failed(std::move(events.error()));
    if (!events->empty()) {
      if (!rows) rows = std::make_unique<row_batch>(kv, view.row_prefix(), ingesting.get());
      if (auto folded = view.apply(*events, *rows); !folded) return failed(folded.error());
      applied = events->back().recorded().position;
      step_events += events->size();
    }
    bool last = events->size() < piece_events;
    // The last piece as of the start is a step of its own: nothing is applied while the last
    // step is ingested, so a short one keeps that wait short.
    bool before_last =
        applied < progress.last_position && progress.last_position - applied <= piece_events;
    if (rows && (step_events >= batch_events || last || before_last)) {
      if (auto written = finish_write(); !written) return std::unexpected(written.error());
      // The step ingested before is in the store now; no step reads it any more. It is released,
      // and this step's rows are copied out and ingested, on the writing thread, out of the way
      // of applying the next step (which reads this one's rows in place meanwhile).
      auto ingested = std::exchange(ingesting, std::move(rows));
      ingesting_events = std::exchange(step_events, 0);
      ingesting_position = applied;
      writing = std::async(std::launch::async,
                           [&kv, step = ingesting.get(), name = view.name(), position = applied,
                            ingested = std::move(ingested)]() mutable {
                             ingested.reset();
                             return write_step(kv, step_writes(*step, name, position));
                           });
    }
    if (last) {
      if (auto written = finish_write(); !written) return std::unexpected(written.error());
      return progress;
    }
  }
}

}  // namespace ordo::readmodel
