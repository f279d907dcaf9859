// The read-your-writes awaits a projector holds until its views reach their position: answered
// true once reached, false when too many wait already, when their caller has surely given up, or
// when the projector stops. Plain bookkeeping; the projector's actor owns it and arms its sweep.
#pragma once

#include <caf/all.hpp>
#include <cstddef>
#include <cstdint>
#include <map>

namespace ordo::actors {

class parked_awaits {
 public:
  explicit parked_awaits(std::size_t capacity) : capacity_(capacity) {}

  // Parks `promise` until `position` is reached; answers false at once when full.
  void park(std::uint64_t position, caf::typed_response_promise<bool> promise, std::int64_t now_ms);
  // Answers true to every await for a position up to `reached`.
  void answer_reached(std::uint64_t reached);
  // Answers false to every await parked before `cutoff_ms`.
  void expire_before(std::int64_t cutoff_ms);
  // Answers false to every await.
  void answer_all_false();
  bool empty() const { return parked_.empty(); }

 private:
  struct parked {
    std::int64_t since_ms;
    caf::typed_response_promise<bool> promise;
  };
  std::size_t capacity_;
  std::multimap<std::uint64_t, parked> parked_;  // by the position they wait for
};

}  // namespace ordo::actors
