#include "actors/event_bus.hpp"

#include <deque>

#include "actors/messages.hpp"

namespace ordo::actors {
namespace {

struct parked_fetch {
  std::uint64_t after;
  std::uint32_t max;
  caf::response_promise promise;
};

struct bus_state {
  static inline const char* name = "ordo.event_bus";
  runtime_context* context = nullptr;
  std::deque<persistence::recorded_event> ring;  // contiguous positions
  std::uint64_t last_position = 0;               // newest position the bus has seen
  std::vector<parked_fetch> parked;

  std::uint64_t oldest_in_ring() const { return ring.empty() ? last_position + 1 : ring.front().position; }

  // The events after `after`, at most `max`; REQUIRES: after + 1 >= oldest_in_ring().
  event_batch slice(std::uint64_t after, std::uint32_t max) const {
    event_batch batch;
    auto start = after + 1 - oldest_in_ring();
    for (auto i = start; i < ring.size() && batch.events.size() < max; ++i) batch.events.push_back(ring[i]);
    return batch;
  }
};

using bus_ptr = caf::stateful_actor<bus_state>*;

caf::behavior bus_behavior(bus_ptr self, runtime_context* context) {
  auto& st = self->state;
  st.context = context;
  st.last_position = context->db->events().last_position();
  return {
      [self](event_batch& batch) {
        auto& st = self->state;
        auto capacity = std::max<std::size_t>(1, st.context->settings.bus_buffer_events);
        for (auto& e : batch.events) {
          if (e.position <= st.last_position) continue;  // already known at start-up
          if (e.position != st.last_position + 1) st.ring.clear();  // keep the ring contiguous
          st.last_position = e.position;
          st.ring.push_back(std::move(e));
          if (st.ring.size() > capacity) st.ring.pop_front();
        }
        auto parked = std::move(st.parked);
        st.parked.clear();
        for (auto& p : parked) {
          if (p.after + 1 < st.oldest_in_ring())
            p.promise.deliver(catchup_atom::value, st.oldest_in_ring());
          else
            p.promise.deliver(st.slice(p.after, p.max));
        }
      },
      [self](fetch_atom, std::uint64_t after, std::uint32_t max) {
        auto& st = self->state;
        auto promise = self->make_response_promise();
        if (after + 1 < st.oldest_in_ring())
          promise.deliver(catchup_atom::value, st.oldest_in_ring());
        else if (after < st.last_position)
          promise.deliver(st.slice(after, max));
        else
          st.parked.push_back({after, max, std::move(promise)});
      },
      [self](stop_atom) {
        for (auto& p : self->state.parked) p.promise.deliver(caf::sec::request_receiver_down);
        self->quit();
      },
  };
}

}  // namespace

caf::actor spawn_event_bus(caf::actor_system& system, runtime_context* context) {
  return system.spawn(bus_behavior, context);
}

void connect_journal_to_bus(persistence::journal& journal, caf::actor bus) {
  journal.set_commit_listener([bus](std::span<const persistence::recorded_event> events) {
    caf::anon_send(bus, event_batch{{events.begin(), events.end()}});
  });
}

}  // namespace ordo::actors
