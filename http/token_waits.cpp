#include "http/token_waits.hpp"

#include <algorithm>

namespace ordo::http {

std::size_t max_token_waiters(std::size_t http_threads) {
  return std::max<std::size_t>(1, http_threads / 4);
}

token_waits::outcome token_waits::wait(std::uint64_t position, std::chrono::milliseconds timeout) {
  if (waiting_.fetch_add(1, std::memory_order_relaxed) >= max_waiters_) {
    waiting_.fetch_sub(1, std::memory_order_relaxed);
    return outcome::too_many_waiting;
  }
  struct leave {
    std::atomic<std::size_t>& waiting;
    ~leave() { waiting.fetch_sub(1, std::memory_order_relaxed); }
  } on_exit{waiting_};
  return wait_(position, timeout) ? outcome::reached : outcome::timed_out;
}

}  // namespace ordo::http
