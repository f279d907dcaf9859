// Internal: the order codec's fast path. Reads order event data with json_scanner, without a DOM.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/order.hpp"

namespace ordo::domain::detail {

// The event, when `data` is of the plain shape the encoder writes (see json_scanner: fields in
// any order, whitespace, null for an absent optional field) at the type's current schema
// version, with every required field present once and of the right type, and no other field.
// Otherwise nullopt, and the caller decodes through the DOM, which answers for every other input
// (an error, an upcast, a duplicate or unknown field, an escape). Where it answers, it answers as
// the DOM decoder does.
std::optional<order::event> scan_order_event(std::string_view type, std::uint32_t schema_version,
                                             std::string_view data);

}  // namespace ordo::domain::detail
