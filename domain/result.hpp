// result<T>: a value or a domain error. Domain code never throws; it returns one of these.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::domain {

// Milliseconds since the Unix epoch, UTC. Time enters the domain only through parameters.
using timestamp = std::int64_t;

enum class error_code {
  validation_failed,  // a field is missing, of the wrong type, out of range or malformed
  invalid_state,      // the command is not allowed in the aggregate's current status
  not_found,          // the aggregate (or an item within it) does not exist
  already_exists,     // create on an aggregate that exists
  out_of_stock,       // a stock reservation cannot be satisfied
};

std::string_view to_string(error_code code);

struct field_error {
  std::string field;    // JSON path of the offending field, e.g. "items[0].quantity"
  std::string message;  // what is wrong with it, for a human
  bool operator==(const field_error&) const = default;
};

struct error {
  error_code code;
  std::string message;
  std::string status;               // invalid_state: the aggregate's current status
  std::vector<field_error> fields;  // validation_failed: one entry per bad field
  bool operator==(const error&) const = default;
};

template <class T>
using result = std::expected<T, error>;

inline std::unexpected<error> fail(error_code code, std::string message, std::string status = {}) {
  return std::unexpected(error{code, std::move(message), std::move(status), {}});
}

inline std::unexpected<error> invalid(std::vector<field_error> fields) {
  std::string message = fields.empty() ? "invalid request" : fields.front().field + ": " + fields.front().message;
  return std::unexpected(error{error_code::validation_failed, std::move(message), {}, std::move(fields)});
}

}  // namespace ordo::domain
