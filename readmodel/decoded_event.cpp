#include "readmodel/decoded_event.hpp"

#include <cassert>

#include "readmodel/projections/order_view.hpp"

namespace ordo::readmodel {

decoded_event::decoded_event(const persistence::recorded_event& recorded)
    : recorded_(&recorded), order_id_(projections::order_id_of(recorded)) {}

const persistence::result<domain::order::event>& decoded_event::order_event() const {
  assert(order_id_ && "only events of order streams decode as order events");
  if (!order_event_) order_event_.emplace(projections::decode_order_event(*recorded_));
  return *order_event_;
}

std::vector<decoded_event> decode_events(std::span<const persistence::recorded_event> events) {
  std::vector<decoded_event> decoded;
  decoded.reserve(events.size());
  for (auto& e : events) decoded.emplace_back(e);
  return decoded;
}

}  // namespace ordo::readmodel
