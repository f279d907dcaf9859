// Order's bytes and views: event codec, state snapshots, and the API's order JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "domain/codec.hpp"
#include "domain/order.hpp"

namespace ordo::domain::order {

inline constexpr std::uint32_t snapshot_schema = 1;

// Compact JSON data written without a DOM: the same bytes as encode_with_dom().
encoded_event encode(const event& e);
// encode() through an nlohmann DOM: the reference the writer is tested against.
encoded_event encode_with_dom(const event& e);
// validation_failed (naming type and version) for anything that is not a readable order event.
result<event> decode(const encoded_event& encoded);
// The same, from the parts of an encoded event (no copy of them on the common path).
result<event> decode(std::string_view type, std::uint32_t schema_version, std::string_view data);
// decode() without its fast path, every event through an nlohmann DOM: the reference the fast
// path is tested against (same value, or the same error, for any bytes).
result<event> decode_with_dom(const encoded_event& encoded);

std::string save_state(const state& s);
// REQUIRES nothing: bad bytes or a schema other than snapshot_schema give validation_failed.
result<state> load_state(std::string_view bytes, std::uint32_t schema);

// The API's order: {"order_id", "customer_id", "status", "items", "total_cents", "reason"?,
// "shipping"?, "created_at", "updated_at"}; the caller adds "version".
nlohmann::json to_json(const state& s);
// to_json(s) with "version" added, as compact JSON text written without a DOM: the same bytes as
// compact_json() of that DOM.
std::string render_json(const state& s, std::uint64_t version);

}  // namespace ordo::domain::order
