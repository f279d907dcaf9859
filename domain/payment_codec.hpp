// Payment's bytes and views: event codec, state snapshots, and the payment JSON for inspection.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "domain/codec.hpp"
#include "domain/payment.hpp"

namespace ordo::domain::payment {

inline constexpr std::uint32_t snapshot_schema = 1;

// Compact JSON data written without a DOM: the same bytes as encode_with_dom().
encoded_event encode(const event& e);
// encode() through an nlohmann DOM: the reference the writer is tested against.
encoded_event encode_with_dom(const event& e);
// validation_failed (naming type and version) for anything that is not a readable payment event.
result<event> decode(const encoded_event& encoded);
// The same, from the parts of an encoded event (no copy of them on the common path).
result<event> decode(std::string_view type, std::uint32_t schema_version, std::string_view data);
// decode() without its fast path, every event through an nlohmann DOM: the reference the fast
// path is tested against (same value, or the same error, for any bytes).
result<event> decode_with_dom(const encoded_event& encoded);

std::string save_state(const state& s);
result<state> load_state(std::string_view bytes, std::uint32_t schema);

// {"order_id", "status", "amount_cents", "token"?}; the caller adds "version".
nlohmann::json to_json(const state& s);
// to_json(s) with "version" added, as compact JSON text written without a DOM: the same bytes as
// compact_json() of that DOM.
std::string render_json(const state& s, std::uint64_t version);

}  // namespace ordo::domain::payment
