#include "readmodel/projections/orders_by_customer.hpp"

#include "domain/validation.hpp"

namespace ordo::readmodel::projections {

persistence::result<void> orders_by_customer::apply(
    std::span<const persistence::recorded_event> events, row_batch& rows) {
  for (auto& recorded : events) {
    auto order_id = order_id_of(recorded);
    if (!order_id) continue;
    auto event = decode_order_event(recorded);
    if (!event) return std::unexpected(std::move(event.error()));
    auto view = views_.find(rows, *order_id, row_source_of(recorded));
    if (!view) return std::unexpected(std::move(view.error()));
    if (!advance(**view, *event, recorded)) continue;
    view->changed();
    // The decider validates customer ids; one that is not an id would break the key layout.
    const auto& customer_id = (*view)->state.customer_id;
    if (!customer_id.empty() && !domain::is_valid_id(customer_id))
      return persistence::storage_failure(
          persistence::storage_errc::corrupt,
          "order " + std::string(*order_id) + " has an invalid customer id: " + customer_id);
  }
  // The listing row follows the state row; an order not created yet has nothing to list.
  views_.write_changed(
      [&](std::string_view key, std::string_view order_id, const order_view& view) {
        rows.put(key, encode_order_view(view));
        if (!view.state.customer_id.empty())
          rows.put(index_key(view.state.customer_id, order_id), encode_summary(view));
      });
  return {};
}

}  // namespace ordo::readmodel::projections
