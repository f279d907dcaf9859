#include "readmodel/projections/orders_by_customer.hpp"

#include "domain/validation.hpp"

namespace ordo::readmodel::projections {

persistence::result<void> orders_by_customer::apply(std::span<const decoded_event> events,
                                                    row_batch& rows) {
  for (auto& decoded : events) {
    auto order_id = decoded.order_id();
    if (!order_id || decoded.recorded().type != domain::order::order_created::type_name) continue;
    auto& event = decoded.order_event();
    if (!event) return std::unexpected(event.error());
    auto* created = std::get_if<domain::order::order_created>(&*event);
    if (!created || created->customer_id.empty()) continue;  // nothing to list it under
    // The decider validates customer ids; one that is not an id would break the key layout.
    if (!domain::is_valid_id(created->customer_id))
      return persistence::storage_failure(
          persistence::storage_errc::corrupt,
          "order " + std::string(*order_id) +
              " has an invalid customer id: " + created->customer_id);
    rows.put(index_key(created->customer_id, *order_id), std::string());
  }
  return {};
}

persistence::result<bool> orders_by_customer::needs_rebuild(const persistence::kv_store& kv) const {
  auto legacy = kv.scan(legacy_state_prefix, {}, 1);
  if (!legacy) return std::unexpected(std::move(legacy.error()));
  return !legacy->empty();
}

}  // namespace ordo::readmodel::projections
