// Projection rebuilds from the journal (see actors/replay.hpp).
#include <array>

#include "actors/projections/order_stats.hpp"
#include "actors/projections/order_summary.hpp"
#include "actors/projections/orders_by_customer.hpp"
#include "actors/replay.hpp"

namespace ordo::actors {

std::vector<std::string_view> projection_names() {
  return {projections::order_summary::projection_name,
          projections::orders_by_customer::projection_name,
          projections::order_stats::projection_name};
}

std::unique_ptr<projection> make_projection(std::string_view name) {
  if (name == projections::order_summary::projection_name)
    return std::make_unique<projections::order_summary>();
  if (name == projections::orders_by_customer::projection_name)
    return std::make_unique<projections::orders_by_customer>();
  if (name == projections::order_stats::projection_name)
    return std::make_unique<projections::order_stats>();
  return nullptr;
}

persistence::result<bool> clear_projection_step(persistence::kv_store& kv, const projection& view,
                                                std::size_t max_rows) {
  auto rows = kv.scan(view.row_prefix(), {}, max_rows);
  if (!rows) return std::unexpected(std::move(rows.error()));
  std::vector<persistence::kv_write> writes;
  writes.reserve(rows->size() + 1);
  for (auto& row : *rows) writes.push_back({std::move(row.first), std::nullopt});
  // "clearing" until the last row is gone: a crash midway resumes the clearing.
  if (rows->empty())
    writes.push_back({checkpoint_key(view.name()), std::nullopt});
  else
    writes.push_back({checkpoint_key(view.name()), std::string(clearing_marker)});
  if (auto written = kv.write(writes); !written) return std::unexpected(std::move(written.error()));
  return rows->empty();
}

persistence::result<rebuild_progress> rebuild_projection(
    persistence::database& db, projection& view,
    const std::function<void(const rebuild_progress&)>& on_progress, std::size_t batch_events) {
  for (;;) {
    auto cleared = clear_projection_step(db.kv(), view);
    if (!cleared) return std::unexpected(std::move(cleared.error()));
    if (*cleared) break;
  }
  rebuild_progress progress;
  progress.last_position = db.events().last_position();
  std::vector<persistence::recorded_event> batch;
  batch.reserve(batch_events);
  std::optional<persistence::storage_error> failed;
  auto commit = [&]() -> bool {
    auto committed = apply_and_commit(view, db.kv(), batch, progress.position);
    if (!committed) {
      failed = std::move(committed.error());
      return false;
    }
    progress.events += batch.size();
    progress.position = *committed;
    batch.clear();
    if (on_progress) on_progress(progress);
    return true;
  };
  auto scanned = db.events().for_each(1, [&](const persistence::recorded_event& e) {
    batch.push_back(e);
    return batch.size() < batch_events || commit();
  });
  if (!scanned) return std::unexpected(std::move(scanned.error()));
  if (failed) return std::unexpected(std::move(*failed));
  if (!batch.empty() && !commit()) return std::unexpected(std::move(*failed));
  return progress;
}

}  // namespace ordo::actors
