#include "readmodel/projection.hpp"

namespace ordo::readmodel {

persistence::result<applied_batch> apply_batch(
    std::span<const view_cursor> views, const persistence::kv_store& kv,
    std::span<const decoded_event> events, std::span<const persistence::kv_write> being_written) {
  applied_batch batch;
  batch.positions.reserve(views.size());
  batch.failures.resize(views.size());
  for (std::size_t i = 0; i < views.size(); ++i) {
    auto [view, after] = views[i];
    batch.positions.push_back(after);
    auto newer = std::ranges::find_if(
        events, [after](const decoded_event& e) { return e.recorded().position > after; });
    if (newer == events.end()) continue;
    auto mine = events.subspan(static_cast<std::size_t>(newer - events.begin()));
    row_batch rows(kv, view->row_prefix(), being_written);
    if (auto applied = view->apply(mine, rows); !applied) {
      view->forget();
      batch.failures[i] = std::move(applied.error());
      continue;
    }
    auto writes = rows.take_writes();
    batch.writes.insert(batch.writes.end(), std::make_move_iterator(writes.begin()),
                        std::make_move_iterator(writes.end()));
    batch.positions[i] = mine.back().recorded().position;
    batch.writes.push_back(checkpoint_write(view->name(), batch.positions[i]));
  }
  // Each view's rows are in key order already; views' prefixes and checkpoints interleave.
  std::ranges::sort(batch.writes, std::less<>{},
                    [](const persistence::kv_write& w) -> std::string_view { return w.key; });
  return batch;
}

persistence::result<applied_batch> apply_batch(
    projection& view, const persistence::kv_store& kv,
    std::span<const persistence::recorded_event> events, std::uint64_t after,
    std::span<const persistence::kv_write> being_written) {
  auto decoded = decode_events(events);
  view_cursor cursor{&view, after};
  auto batch = apply_batch(std::span(&cursor, 1), kv, decoded, being_written);
  if (batch && batch->failures.front()) return std::unexpected(std::move(*batch->failures.front()));
  return batch;
}

persistence::result<void> commit_batch(persistence::kv_store& kv, const applied_batch& batch,
                                       view_logging logging) {
  if (batch.writes.empty()) return {};
  return logging == view_logging::no_wal ? kv.write_without_wal(batch.writes)
                                         : kv.write(batch.writes, /*sync=*/false);
}

persistence::result<std::uint64_t> apply_and_commit(
    projection& view, persistence::kv_store& kv,
    std::span<const persistence::recorded_event> events, std::uint64_t after,
    view_logging logging) {
  auto batch = apply_batch(view, kv, events, after);
  if (!batch) return std::unexpected(std::move(batch.error()));
  if (auto written = commit_batch(kv, *batch, logging); !written) {
    view.forget();
    return std::unexpected(std::move(written.error()));
  }
  return batch->positions.front();
}

}  // namespace ordo::readmodel
