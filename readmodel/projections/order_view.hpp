// The read side's copy of one order, shared by the order_summary and orders_by_customer
// projections: the order's domain state, evolved with the domain's own evolve(), plus the stream
// version of the last event applied.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/order.hpp"
#include "persistence/event_record.hpp"
#include "persistence/result.hpp"

namespace ordo::readmodel::projections {

// The order id of an event of an "order-<id>" stream; nullopt for every other stream.
std::optional<std::string_view> order_id_of(const persistence::recorded_event& e);

// Decodes (and upcasts) an order event. A record that cannot be read is `corrupt`, naming its
// stream, version and position: projections stop on it rather than skip it silently.
persistence::result<domain::order::event> decode_order_event(const persistence::recorded_event& e);

struct order_view {
  // Without the shipping details and payment token: no view shows them, and personal data kept
  // in clear in a view row would survive the customer's crypto-shredding.
  domain::order::state state;
  std::uint64_t version = 0;  // stream version of the last event applied; 0: none
  bool operator==(const order_view&) const = default;
};

// Applies `event` (the decoded form of `recorded`) unless the view already has it, i.e. unless
// recorded.version <= view.version. Returns whether the view changed. This second guard behind
// the checkpoint keeps a view exact even if an event were delivered twice.
bool advance(order_view& view, const domain::order::event& event,
             const persistence::recorded_event& recorded);

// The number of units in the order: the sum of the items' quantities (two of one sku and one of
// another make 3), which is what a customer calls "3 items in my basket".
std::int64_t item_count(const std::vector<domain::order::line_item>& items);

// The API's summary: {"order_id", "customer_id", "status", "item_count", "total_cents",
// "version", "updated_at" (RFC 3339)}.
nlohmann::json summary_json(const order_view& view);

// summary_json(view) as compact JSON text (what domain::compact_json writes for it).
std::string encode_summary(const order_view& view);

// Row bytes: {"summary": {...}, "order": {...}}, compact JSON. Queries read only "summary";
// projections read "order" back to evolve it.
std::string encode_order_view(const order_view& view);
// `key` only names the row in errors.
persistence::result<order_view> decode_order_view(std::string_view key, std::string_view bytes);

}  // namespace ordo::readmodel::projections
