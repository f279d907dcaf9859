// Read-your-writes waits (X-Consistency-Token on /v1/views/...), bounded so that they never take
// the HTTP threads the rest of the API needs: each wait holds its request's thread until the
// projections reach the token's position or `wait_ms` passes, so at most `max_waiters` wait at
// once and any further one is answered at once (503, the client retries).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace ordo::http {

// A quarter of the HTTP threads, at least one (docs/API.md, "Reads").
std::size_t max_token_waiters(std::size_t http_threads);

class token_waits {
 public:
  // True once every projection has applied the events up to the position; false at the timeout.
  using position_wait = std::function<bool(std::uint64_t position, std::chrono::milliseconds)>;

  token_waits(std::size_t max_waiters, position_wait wait)
      : max_waiters_(max_waiters), wait_(std::move(wait)) {}

  enum class outcome { reached, timed_out, too_many_waiting };

  // Waits through `wait` if fewer than max_waiters are waiting; else too_many_waiting at once.
  outcome wait(std::uint64_t position, std::chrono::milliseconds timeout);

  std::size_t waiting() const { return waiting_.load(std::memory_order_relaxed); }
  std::size_t max_waiters() const { return max_waiters_; }

 private:
  std::size_t max_waiters_;
  position_wait wait_;
  std::atomic<std::size_t> waiting_{0};
};

}  // namespace ordo::http
