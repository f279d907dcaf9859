// Command ids and who may choose them. A command id names one command for duplicate detection:
// an aggregate answers a command whose id it remembers with the first answer instead of running
// it again. Two namespaces that can never meet:
//   - client ids: "idem/<Idempotency-Key>", made only by client_command_id() (HTTP);
//   - internal ids: chosen by ordo itself, e.g. a saga's "saga-<order>:<step>:<command>[:<sku>]"
//     (domain ids cannot contain '/'). An internal id must not start with the client prefix:
//     is_valid_internal_command_id() says so, and aggregates refuse to send one that does.
// Ids are always compared in full, never by a hash alone.
#pragma once

#include <string>
#include <string_view>

namespace ordo::actors {

inline constexpr std::string_view client_command_prefix = "idem/";

inline std::string client_command_id(std::string_view idempotency_key) {
  return std::string(client_command_prefix) + std::string(idempotency_key);
}

inline bool is_client_command_id(std::string_view id) {
  return id.starts_with(client_command_prefix);
}

inline bool is_valid_internal_command_id(std::string_view id) {
  return !id.empty() && !is_client_command_id(id);
}

}  // namespace ordo::actors
