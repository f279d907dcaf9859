#include "readmodel/projections/order_summary.hpp"

namespace ordo::readmodel::projections {

persistence::result<void> order_summary::apply(std::span<const decoded_event> events,
                                               row_batch& rows) {
  for (auto& decoded : events) {
    auto order_id = decoded.order_id();
    if (!order_id) continue;
    auto& recorded = decoded.recorded();
    auto& event = decoded.order_event();
    if (!event) return std::unexpected(event.error());
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
