#include "readmodel/projections/catalog.hpp"

#include "readmodel/projections/order_stats.hpp"
#include "readmodel/projections/order_summary.hpp"
#include "readmodel/projections/orders_by_customer.hpp"
#include "readmodel/projections/saga_view.hpp"

namespace ordo::readmodel {

std::vector<std::string_view> projection_names() {
  return {projections::order_summary::projection_name,
          projections::orders_by_customer::projection_name,
          projections::order_stats::projection_name, projections::saga_view::projection_name};
}

std::unique_ptr<projection> make_projection(std::string_view name) {
  if (name == projections::order_summary::projection_name)
    return std::make_unique<projections::order_summary>();
  if (name == projections::orders_by_customer::projection_name)
    return std::make_unique<projections::orders_by_customer>();
  if (name == projections::order_stats::projection_name)
    return std::make_unique<projections::order_stats>();
  if (name == projections::saga_view::projection_name)
    return std::make_unique<projections::saga_view>();
  return nullptr;
}

}  // namespace ordo::readmodel
