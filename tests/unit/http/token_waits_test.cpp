// Consistency-token waits are bounded (http/token_waits.hpp): past max_waiters a read is answered
// at once instead of taking another HTTP thread.
#include "http/token_waits.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace ordo::http {
namespace {

// A position wait that blocks until released, counting who is inside.
class held_wait {
 public:
  bool operator()(std::uint64_t, std::chrono::milliseconds) {
    std::unique_lock lock(mutex_);
    ++inside_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_; });
    return true;
  }
  void await_inside(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return inside_ == count; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  std::size_t inside() {
    std::lock_guard lock(mutex_);
    return inside_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t inside_ = 0;
  bool released_ = false;
};

TEST(TokenWaits, AQuarterOfTheHttpThreadsAtLeastOne) {
  EXPECT_EQ(max_token_waiters(64), 16u);
  EXPECT_EQ(max_token_waiters(4), 1u);
  EXPECT_EQ(max_token_waiters(1), 1u);
}

TEST(TokenWaits, PastTheCapAWaitIsAnsweredAtOnceWithoutWaiting) {
  held_wait held;
  token_waits waits(3, [&](std::uint64_t p, std::chrono::milliseconds t) { return held(p, t); });
  std::vector<token_waits::outcome> outcomes(3);
  std::vector<std::thread> waiting;
  for (std::size_t i = 0; i < 3; ++i)
    waiting.emplace_back([&, i] { outcomes[i] = waits.wait(7, std::chrono::milliseconds(10000)); });
  held.await_inside(3);
  EXPECT_EQ(waits.wait(7, std::chrono::milliseconds(10000)),
            token_waits::outcome::too_many_waiting);
  EXPECT_EQ(held.inside(), 3u);  // the refused read never reached the projections
  held.release();
  for (auto& t : waiting) t.join();
  for (auto outcome : outcomes) EXPECT_EQ(outcome, token_waits::outcome::reached);
  EXPECT_EQ(waits.waiting(), 0u);
  EXPECT_EQ(waits.wait(7, std::chrono::milliseconds(0)), token_waits::outcome::reached);
}

TEST(TokenWaits, ATimeoutIsReportedAndFreesTheSlot) {
  token_waits waits(1, [](std::uint64_t, std::chrono::milliseconds) { return false; });
  EXPECT_EQ(waits.wait(1, std::chrono::milliseconds(0)), token_waits::outcome::timed_out);
  EXPECT_EQ(waits.wait(1, std::chrono::milliseconds(0)), token_waits::outcome::timed_out);
  EXPECT_EQ(waits.waiting(), 0u);
}

}  // namespace
}  // namespace ordo::http
