// RFC 3339 timestamps as the API shows them: "2026-11-23T10:42:00.123Z" (UTC, milliseconds).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace ordo::domain {

// Always UTC with exactly three fraction digits. Times outside the years 0000..9999 are clamped
// to that range.
std::string format_rfc3339(timestamp t);

// Accepts RFC 3339 date-times: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)", with 't', 'z'
// or a space as RFC 3339 allows. Fractions beyond milliseconds are truncated. Leap seconds
// (":60") are rejected. Returns nullopt for anything else.
std::optional<timestamp> parse_rfc3339(std::string_view text);

}  // namespace ordo::domain
