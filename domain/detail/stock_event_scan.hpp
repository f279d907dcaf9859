// Internal: the stock codec's fast path. Reads stock event data with json_scanner, without a DOM.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/stock.hpp"

namespace ordo::domain::detail {

// The event, when `data` is of the plain shape the encoder writes (fields in any order,
// whitespace) at the type's current schema version, with every field present once and of the
// right type, and no other field. Otherwise nullopt, and the caller decodes through the DOM,
// which answers for every other input. Where it answers, it answers as the DOM decoder does.
std::optional<stock::event> scan_stock_event(std::string_view type, std::uint32_t schema_version,
                                             std::string_view data);

}  // namespace ordo::domain::detail
