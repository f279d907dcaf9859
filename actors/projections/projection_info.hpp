// What an inspection query tells about one projection actor (GET /v1/inspect/projections).
// Kept apart from the projection code so that actors/messages.hpp can include it into ordo's
// type-ID block without pulling in the kv store.
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <string>

namespace ordo::actors {

struct projection_info {
  std::string name;
  std::uint64_t position = 0;    // the last position applied (the checkpoint)
  std::uint64_t lag_events = 0;  // journal's last position - position
  // Age of the oldest event not yet applied (now - its timestamp); 0 when caught up.
  std::int64_t lag_ms = 0;
  // 99th percentile, over the last ~1000 batches delivered live by the bus, of the time from an
  // event's timestamp to its rows being written. Catch-up batches are left out: replaying old
  // events says nothing about how fresh the view is.
  std::int64_t apply_delay_p99_ms = 0;
  std::string status;      // "live" | "catching_up" | "rebuilding"
  std::string last_error;  // why the last attempt failed (it is retried); empty when it did not
  bool operator==(const projection_info&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, projection_info& x) {
  return f(caf::meta::type_name("ordo.projection_info"), x.name, x.position, x.lag_events,
           x.lag_ms, x.apply_delay_p99_ms, x.status, x.last_error);
}

}  // namespace ordo::actors
