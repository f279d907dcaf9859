// Customer's bytes and views: event codec, state snapshots, and the customer JSON for inspection.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "domain/codec.hpp"
#include "domain/customer.hpp"

namespace ordo::domain::customer {

inline constexpr std::uint32_t snapshot_schema = 1;

encoded_event encode(const event& e);
// validation_failed (naming type and version) for anything that is not a readable customer event.
result<event> decode(const encoded_event& encoded);

std::string save_state(const state& s);
result<state> load_state(std::string_view bytes, std::uint32_t schema);

// {"customer_id", "erasures", "last_erased_at"?}; the caller adds "version".
nlohmann::json to_json(const state& s);

}  // namespace ordo::domain::customer
