// A committed event as every view of the projector sees it: the record, the order id its stream
// names, and its order event decoded at most once for all views (on the first view that asks).
// Views that skip an event undecoded (stats skip ItemAdded) leave it undecoded for the others.
//
// Not thread-safe: one projector thread applies a batch's events to its views one after another.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "domain/order.hpp"
#include "persistence/event_record.hpp"
#include "persistence/result.hpp"

namespace ordo::readmodel {

class decoded_event {
 public:
  // REQUIRES: `recorded` outlives this object.
  explicit decoded_event(const persistence::recorded_event& recorded);

  const persistence::recorded_event& recorded() const { return *recorded_; }
  // The id of an "order-<id>" stream; nullopt for every other stream.
  std::optional<std::string_view> order_id() const { return order_id_; }
  // The decoded (and upcasted) order event; a record that cannot be read is `corrupt`, naming its
  // stream, version and position. REQUIRES: order_id().
  const persistence::result<domain::order::event>& order_event() const;

 private:
  const persistence::recorded_event* recorded_;
  std::optional<std::string_view> order_id_;
  mutable std::optional<persistence::result<domain::order::event>> order_event_;
};

// One decoded_event per event, in the same order; they refer to `events`.
std::vector<decoded_event> decode_events(std::span<const persistence::recorded_event> events);

}  // namespace ordo::readmodel
