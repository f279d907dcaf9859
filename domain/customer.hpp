// The Customer aggregate (stream customer-<customer id>): what the journal records about a
// customer itself rather than about one of its orders: each erasure of its personal data
// (crypto-shredding). The keys live outside the journal (persistence/personal_data.hpp); this
// stream says when each erasure was asked for, with no personal data in it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.hpp"

namespace ordo::domain::customer {

struct state {
  std::string customer_id;
  std::uint64_t erasures = 0;  // how many times its personal data was erased
  timestamp last_erased_at = 0;
  bool operator==(const state&) const = default;
};

// --- commands ---

// Records an erasure of the customer's personal data (its keys were destroyed). Every erasure
// asked for is recorded, also a repeated one: the journal keeps when each was asked for.
struct erase_personal_data {
  static constexpr std::string_view name = "erase_personal_data";
  std::string customer_id;
  bool operator==(const erase_personal_data&) const = default;
};

using command = std::variant<erase_personal_data>;

// --- events ---

struct personal_data_erased {
  static constexpr std::string_view type_name = "PersonalDataErased";
  static constexpr std::uint32_t schema_version = 1;
  std::string customer_id;
  bool operator==(const personal_data_erased&) const = default;
};

using event = std::variant<personal_data_erased>;

// PersonalDataErased for erase_personal_data; validation_failed for a bad customer id.
result<std::vector<event>> decide(const state& s, const command& cmd, timestamp now);
// Total: never fails, never validates.
void evolve(state& s, const event& e, timestamp at);

std::string_view command_name(const command& cmd);
std::string_view event_type(const event& e);

}  // namespace ordo::domain::customer
