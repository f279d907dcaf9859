// Commands from JSON: what the gateway carries (the command's name and a JSON object) becomes a
// typed command, or a validation_failed error naming every field of the wrong type or missing.
// Ranges and rules are checked later by decide(); this only reads shapes. The addressed
// aggregate's id fills the command's own id field (order_id, sku); a body that names another id
// is a validation error. Plain bodies are scanned without a DOM (detail/command_scan.hpp); the
// rest go through nlohmann, and both answer alike.
#pragma once

#include <string_view>
#include <type_traits>

#include "domain/deciders.hpp"

namespace ordo::domain {

result<order::command> parse_command(std::type_identity<order_decider>, std::string_view name,
                                     std::string_view aggregate_id, std::string_view json_body);
result<stock::command> parse_command(std::type_identity<stock_decider>, std::string_view name,
                                     std::string_view aggregate_id, std::string_view json_body);
result<payment::command> parse_command(std::type_identity<payment_decider>, std::string_view name,
                                       std::string_view aggregate_id, std::string_view json_body);
// The saga's commands come from the saga's own next_actions/interpret/wake_up/on_order_event.
result<saga::command> parse_command(std::type_identity<saga_decider>, std::string_view name,
                                    std::string_view aggregate_id, std::string_view json_body);
// Customer's one command takes no fields (its body is {} or empty): no fast path to keep.
result<customer::command> parse_command(std::type_identity<customer_decider>,
                                        std::string_view name, std::string_view aggregate_id,
                                        std::string_view json_body);
result<customer::command> parse_command_with_dom(std::type_identity<customer_decider>,
                                                 std::string_view name,
                                                 std::string_view aggregate_id,
                                                 std::string_view json_body);

// parse_command() without its fast path, every body through an nlohmann DOM: the reference the
// fast path is tested against (same command, or the same error, for any body).
result<order::command> parse_command_with_dom(std::type_identity<order_decider>,
                                              std::string_view name, std::string_view aggregate_id,
                                              std::string_view json_body);
result<stock::command> parse_command_with_dom(std::type_identity<stock_decider>,
                                              std::string_view name, std::string_view aggregate_id,
                                              std::string_view json_body);
result<payment::command> parse_command_with_dom(std::type_identity<payment_decider>,
                                                std::string_view name,
                                                std::string_view aggregate_id,
                                                std::string_view json_body);
result<saga::command> parse_command_with_dom(std::type_identity<saga_decider>,
                                             std::string_view name, std::string_view aggregate_id,
                                             std::string_view json_body);

template <class D>
result<typename D::command> parse_command_with_dom(std::string_view name,
                                                   std::string_view aggregate_id,
                                                   std::string_view json_body) {
  return parse_command_with_dom(std::type_identity<D>{}, name, aggregate_id, json_body);
}

template <class D>
result<typename D::command> parse_command(std::string_view name, std::string_view aggregate_id,
                                          std::string_view json_body) {
  return parse_command(std::type_identity<D>{}, name, aggregate_id, json_body);
}

}  // namespace ordo::domain
