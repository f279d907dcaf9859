#include "actors/projection_rebuild.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "actors/journal_prefetch.hpp"

namespace ordo::actors {

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
  // The same steps as apply_journal_step, with the next batch read while this one is applied.
  journal_prefetch journal(db.events(), 1, batch_events);
  for (;;) {
    auto events = journal.next();
    if (!events) return std::unexpected(std::move(events.error()));
    if (!events->empty()) {
      auto committed = apply_and_commit(view, db.kv(), *events, progress.position);
      if (!committed) return std::unexpected(std::move(committed.error()));
      progress.events += events->size();
      progress.position = *committed;
      if (on_progress) on_progress(progress);
    }
    if (events->size() < batch_events) return progress;
  }
}

}  // namespace ordo::actors
