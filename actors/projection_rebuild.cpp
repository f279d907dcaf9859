#include "actors/projection_rebuild.hpp"

#include <string>
#include <vector>

#include "actors/journal_prefetch.hpp"

namespace ordo::actors {
namespace {

constexpr std::size_t clear_batch_rows = 10'000;

}  // namespace

persistence::result<bool> clear_projection_step(persistence::kv_store& kv, projection& view,
                                                std::string& cleared_up_to, std::size_t max_rows) {
  view.forget();
  auto rows = kv.scan(view.row_prefix(), cleared_up_to, max_rows);
  if (!rows) return std::unexpected(std::move(rows.error()));
  if (!rows->empty()) cleared_up_to = rows->back().first;
  std::vector<persistence::kv_write> writes;
  writes.reserve(rows->size() + 1);
  for (auto& row : *rows) writes.push_back({std::move(row.first), std::nullopt});
  if (rows->empty())
    writes.push_back({checkpoint_key(view.name()), std::nullopt});
  else
    writes.push_back({checkpoint_key(view.name()), std::string(clearing_marker)});
  if (auto written = kv.write(writes); !written) return std::unexpected(std::move(written.error()));
  return rows->empty();
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
  std::string cleared_up_to;
  for (;;) {
    auto cleared = clear_projection_step(db.kv(), view, cleared_up_to, clear_batch_rows);
    if (!cleared) return std::unexpected(std::move(cleared.error()));
    if (*cleared) break;
  }
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
