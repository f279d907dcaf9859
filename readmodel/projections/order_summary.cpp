#include "readmodel/projections/order_summary.hpp"

namespace ordo::readmodel::projections {

persistence::result<void> order_summary::apply(std::span<const persistence::recorded_event> events,
                                               row_batch& rows) {
  for (auto& recorded : events) {
    auto order_id = order_id_of(recorded);
    if (!order_id) continue;
    auto event = decode_order_event(recorded);
    if (!event) return std::unexpected(std::move(event.error()));
    auto view = views_.find(rows, *order_id, row_source_of(recorded));
    if (!view) return std::unexpected(std::move(view.error()));
    if (advance(**view, *event, recorded)) view->changed();
  }
  views_.write_changed([&](std::string_view key, std::string_view, const order_view& view) {
    rows.put(key, encode_order_view(view));
  });
  return {};
}

}  // namespace ordo::readmodel::projections
