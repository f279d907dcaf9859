#include "domain/outcome.hpp"

#include <array>

namespace ordo::domain {

namespace {

// By value: names[i] is the name of outcome i.
constexpr std::array<std::string_view, outcome_count> names{"ok",
                                                            "validation_failed",
                                                            "invalid_state",
                                                            "not_found",
                                                            "already_exists",
                                                            "out_of_stock",
                                                            "version_conflict",
                                                            "unavailable",
                                                            "overloaded",
                                                            "outcome_unknown",
                                                            "storage_unavailable",
                                                            "internal_error"};

}  // namespace

std::string_view to_string(outcome code) {
  auto i = static_cast<std::size_t>(code);
  return i < names.size() ? names[i] : "unknown";
}

std::optional<outcome> parse_outcome(std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<outcome>(i);
  return std::nullopt;
}

std::optional<outcome> outcome_from_value(std::uint8_t value) {
  if (value >= outcome_count) return std::nullopt;
  return static_cast<outcome>(value);
}

}  // namespace ordo::domain
