// The saga's bytes and views: event codec, state snapshots, and the inspection JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "domain/codec.hpp"
#include "domain/saga.hpp"

namespace ordo::domain::saga {

// Compact JSON data written without a DOM: the same bytes as encode_with_dom().
encoded_event encode(const event& e);
// encode() through an nlohmann DOM: the reference the writer is tested against.
encoded_event encode_with_dom(const event& e);
// validation_failed (naming type and version) for anything that is not a readable saga event.
result<event> decode(const encoded_event& encoded);

std::string save_state(const state& s);
result<state> load_state(std::string_view bytes, std::uint32_t schema);

// What GET /v1/inspect/aggregates/saga/{id} and /v1/inspect/sagas show:
// {"saga_id", "order_id", "status", "step", "outcome", "deadline" (RFC 3339 or null),
//  "started_at" (RFC 3339), "attempt", "items", "total_cents", "payment_status", "reserved",
//  "settled"}; the caller adds "version".
nlohmann::json to_json(const state& s);
// to_json(s) with "version" added, as compact JSON text written without a DOM: the same bytes as
// compact_json() of that DOM.
std::string render_json(const state& s, std::uint64_t version);

}  // namespace ordo::domain::saga
