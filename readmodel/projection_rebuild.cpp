#include "readmodel/projection_rebuild.hpp"

#include <future>
#include <optional>
#include <span>
#include <string>
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

persistence::result<rebuild_progress> rebuild_projection(
    persistence::database& db, projection& view,
    const std::function<void(const rebuild_progress&)>& on_progress, std::size_t batch_events) {
  if (auto cleared = clear_projection(db.kv(), view); !cleared)
    return std::unexpected(std::move(cleared.error()));
  rebuild_progress progress;
  progress.last_position = db.events().last_position();
  // Three stages: the journal is read one batch ahead (journal_prefetch), and each batch's rows
  // are written while the next batch is applied. One write at a time, in batch order, so the
  // checkpoints reach the store in order; the batch being applied reads the rows of the one
  // being written through row_batch, not from the store, which may not have them yet.
  journal_prefetch journal(db.events(), 1, batch_events);
  applied_batch writing_batch;
  std::future<persistence::result<void>> writing;  // valid while writing_batch is being written
  std::uint64_t writing_events = 0;
  auto finish_write = [&]() -> persistence::result<void> {
    if (!writing.valid()) return {};
    auto written = writing.get();
    if (!written) {
      view.forget();  // it holds rows that never reached the store
      return written;
    }
    progress.events += writing_events;
    progress.position = writing_batch.positions.front();
    if (on_progress) on_progress(progress);
    return {};
  };
  std::uint64_t applied = 0;  // the last position applied, written or not
  for (;;) {
    auto events = journal.next();
    if (!events) {
      (void)finish_write();
      return std::unexpected(std::move(events.error()));
    }
    if (!events->empty()) {
      auto batch = apply_batch(view, db.kv(), *events, applied, writing_batch.rows());
      if (!batch) {
        (void)finish_write();
        return std::unexpected(std::move(batch.error()));
      }
      if (auto written = finish_write(); !written) return std::unexpected(written.error());
      applied = batch->positions.front();
      if (!batch->writes.empty()) {
        writing_batch = std::move(*batch);
        writing_events = events->size();
        writing = std::async(std::launch::async, [&kv = db.kv(), &writing_batch] {
          return commit_batch(kv, writing_batch, view_logging::no_wal);
        });
      }
    }
    if (events->size() < batch_events) {
      if (auto written = finish_write(); !written) return std::unexpected(written.error());
      return progress;
    }
  }
}

}  // namespace ordo::readmodel
