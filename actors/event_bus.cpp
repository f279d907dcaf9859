#include "actors/event_bus.hpp"

#include <algorithm>
#include <deque>
#include <iterator>

#include "actors/messages.hpp"

namespace ordo::actors {
namespace {

struct parked_fetch {
  std::uint64_t after;
  std::uint32_t max;
  caf::typed_response_promise<bus_fetch_reply> promise;
};

struct bus_state {
  static inline const char* name = "ordo.event_bus";
  runtime_context* context = nullptr;
  // Contiguous positions, oldest first; each entry part of a chunk the journal committed.
  std::deque<event_batch> ring;
  std::size_t events_in_ring = 0;
  std::uint64_t last_position = 0;  // newest position the bus has seen
  std::vector<parked_fetch> parked;

  static std::uint64_t first_position(const event_batch& b) { return b.events().front().position; }

  std::uint64_t oldest_in_ring() const {
    return ring.empty() ? last_position + 1 : first_position(ring.front());
  }

  bus_fetch_reply fell_behind() const {
    return {.oldest_in_ring = oldest_in_ring(), .behind = true};
  }

  void add(event_batch batch, std::size_t capacity) {
    auto events = batch.events();
    std::size_t known = 0;  // events at start-up that the bus counted in last_position
    while (known < events.size() && events[known].position <= last_position) ++known;
    if (known == events.size()) return;
    batch.first += known;
    batch.count -= known;
    if (first_position(batch) != last_position + 1) {  // keep the ring contiguous
      ring.clear();
      events_in_ring = 0;
    }
    last_position = batch.events().back().position;
    events_in_ring += batch.count;
    ring.push_back(std::move(batch));
    while (ring.size() > 1 && events_in_ring - ring.front().count >= capacity) {
      events_in_ring -= ring.front().count;
      ring.pop_front();
    }
  }

  // The events after `after`, at most `max` (none when `after` is the newest); REQUIRES:
  // oldest_in_ring() <= after + 1. A follower that keeps up gets a view of one chunk; one that
  // is behind gets a copy of several, so that it commits them together.
  event_batch slice(std::uint64_t after, std::uint32_t max) const {
    if (ring.empty() || after >= last_position) return {};
    auto holder = std::prev(std::upper_bound(
        ring.begin(), ring.end(), after + 1,
        [](std::uint64_t p, const event_batch& b) { return p < first_position(b); }));
    event_batch batch = *holder;
    auto skip = static_cast<std::size_t>(after + 1 - first_position(batch));
    batch.first += skip;
    batch.count -= skip;
    if (batch.count >= max || std::next(holder) == ring.end()) {
      batch.count = std::min<std::size_t>(batch.count, max);
      return batch;
    }
    auto events = std::make_shared<std::vector<persistence::recorded_event>>();
    events->reserve(std::min<std::uint64_t>(max, last_position - after));
    for (auto it = holder; it != ring.end() && events->size() < max; ++it) {
      auto part = it == holder ? batch.events() : it->events();
      auto take = std::min<std::size_t>(part.size(), max - events->size());
      events->insert(events->end(), part.begin(), part.begin() + static_cast<std::ptrdiff_t>(take));
    }
    auto count = events->size();
    return {std::move(events), 0, count};
  }
};

using bus_ptr = event_bus_actor::stateful_pointer<bus_state>;

event_bus_actor::behavior_type bus_behavior(bus_ptr self, runtime_context* context) {
  auto& st = self->state;
  st.context = context;
  st.last_position = context->db->events().last_position();
  return {
      [self](event_batch& batch) {
        auto& st = self->state;
        st.add(std::move(batch), std::max<std::size_t>(1, st.context->settings.bus_buffer_events));
        auto parked = std::move(st.parked);
        st.parked.clear();
        for (auto& p : parked) {
          if (p.after + 1 < st.oldest_in_ring())
            p.promise.deliver(st.fell_behind());
          else
            p.promise.deliver(bus_fetch_reply{st.slice(p.after, p.max)});
        }
      },
      [self](fetch_atom, std::uint64_t after, std::uint32_t max) {
        auto& st = self->state;
        auto promise = self->make_response_promise<bus_fetch_reply>();
        if (after + 1 < st.oldest_in_ring())
          promise.deliver(st.fell_behind());
        else if (after < st.last_position)
          promise.deliver(bus_fetch_reply{st.slice(after, max)});
        else
          st.parked.push_back({after, max, promise});
        return promise;  // a copy: both answer the same request
      },
      [self](stop_atom) {
        for (auto& p : self->state.parked) p.promise.deliver(caf::sec::request_receiver_down);
        self->quit();
      },
  };
}

}  // namespace

event_bus_actor spawn_event_bus(caf::actor_system& system, runtime_context* context) {
  return system.spawn(bus_behavior, context);
}

void connect_journal_to_bus(persistence::journal& journal, event_bus_actor bus) {
  journal.set_commit_listener([bus](std::vector<persistence::recorded_event>& events) {
    auto count = events.size();
    caf::anon_send(bus,
                   event_batch{std::make_shared<const std::vector<persistence::recorded_event>>(
                                   std::move(events)),
                               0, count});
  });
}

}  // namespace ordo::actors
