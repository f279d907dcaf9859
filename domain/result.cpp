#include "domain/result.hpp"

namespace ordo::domain {

// These strings are the `code` of the API's problem+json bodies: keep them stable.
std::string_view to_string(error_code code) {
  switch (code) {
    case error_code::validation_failed:
      return "validation_failed";
    case error_code::invalid_state:
      return "invalid_state";
    case error_code::not_found:
      return "not_found";
    case error_code::already_exists:
      return "already_exists";
    case error_code::out_of_stock:
      return "out_of_stock";
  }
  return "unknown";
}

}  // namespace ordo::domain
