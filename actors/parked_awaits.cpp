#include "actors/parked_awaits.hpp"

namespace ordo::actors {

void parked_awaits::park(std::uint64_t position, caf::typed_response_promise<bool> promise,
                         std::int64_t now_ms) {
  if (parked_.size() >= capacity_) {
    promise.deliver(false);
    return;
  }
  parked_.emplace(position, parked{now_ms, std::move(promise)});
}

void parked_awaits::answer_reached(std::uint64_t reached) {
  auto end = parked_.upper_bound(reached);
  for (auto it = parked_.begin(); it != end; ++it) it->second.promise.deliver(true);
  parked_.erase(parked_.begin(), end);
}

void parked_awaits::expire_before(std::int64_t cutoff_ms) {
  for (auto it = parked_.begin(); it != parked_.end();) {
    if (it->second.since_ms < cutoff_ms) {
      it->second.promise.deliver(false);
      it = parked_.erase(it);
    } else {
      ++it;
    }
  }
}

void parked_awaits::answer_all_false() {
  for (auto& [position, p] : parked_) p.promise.deliver(false);
  parked_.clear();
}

}  // namespace ordo::actors
