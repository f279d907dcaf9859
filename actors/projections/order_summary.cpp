#include "actors/projections/order_summary.hpp"

#include "actors/projections/order_view.hpp"

namespace ordo::actors::projections {

persistence::result<void> order_summary::apply(std::span<const persistence::recorded_event> events,
                                               row_batch& rows) {
  for (auto& recorded : events) {
    auto order_id = order_id_of(recorded);
    if (!order_id) continue;
    auto event = decode_order_event(recorded);
    if (!event) return std::unexpected(std::move(event.error()));
    auto key = row_key(*order_id);
    auto view = read_order_view(rows, key);
    if (!view) return std::unexpected(std::move(view.error()));
    if (advance(*view, *event, recorded)) rows.put(key, encode_order_view(*view));
  }
  return {};
}

}  // namespace ordo::actors::projections
