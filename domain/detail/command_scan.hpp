// Internal: parse_command's fast path. Reads the plain command bodies HTTP and the saga send
// (a flat object of strings, integers, nulls and small arrays/objects of them) with json_scanner,
// without a DOM.
#pragma once

#include <optional>
#include <string_view>

#include "domain/deciders.hpp"

namespace ordo::domain::detail {

// The command, when `body` is plain (see json_scanner) and parses without any error: every
// required field present once with the right type, an own id (order_id, sku) absent, null or the
// addressed one. Members the command does not read are skipped when plain. Otherwise nullopt,
// and the caller parses through the DOM, which answers every other input (an error, a duplicate
// key, an escape, a fraction). Where it answers, it answers as the DOM path does.
std::optional<order::command> scan_command(std::type_identity<order_decider>, std::string_view name,
                                           std::string_view aggregate_id, std::string_view body);
std::optional<stock::command> scan_command(std::type_identity<stock_decider>, std::string_view name,
                                           std::string_view aggregate_id, std::string_view body);
std::optional<payment::command> scan_command(std::type_identity<payment_decider>,
                                             std::string_view name, std::string_view aggregate_id,
                                             std::string_view body);
std::optional<saga::command> scan_command(std::type_identity<saga_decider>, std::string_view name,
                                          std::string_view aggregate_id, std::string_view body);

}  // namespace ordo::domain::detail
