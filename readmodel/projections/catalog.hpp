// The node's projections by name: the one list that the projection actors, the offline
// `ordo replay --projection` and `ordo verify` all take them from.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "readmodel/projection.hpp"

namespace ordo::readmodel {

// "order_summary", "orders_by_customer", "stats", "sagas", in that order.
std::vector<std::string_view> projection_names();

// A new, empty projection of that name; nullptr for an unknown name.
std::unique_ptr<projection> make_projection(std::string_view name);

}  // namespace ordo::readmodel
