#include "config/settings.hpp"

namespace ordo::config {

std::string_view to_string(role r) {
  switch (r) {
    case role::client:
      return "client";
    case role::viewer:
      return "viewer";
    case role::admin:
      return "admin";
  }
  return "client";
}

std::string_view to_string(journal_sync sync) {
  return sync == journal_sync::always ? "always" : "none";
}

}  // namespace ordo::config
