// Answers the gateway's callers whose reply does not come in time, without a CAF request timeout
// per command (each one costs a clock entry and, when it fires long after the reply, a stale
// message to the requesting actor). Every call shares one timeout, so deadlines arrive in order
// and a FIFO queue swept by one thread is enough. A late call is answered according to its
// hand-off (actors/handoff.hpp): never handed to its aggregate, or perhaps applied.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "actors/handoff.hpp"
#include "actors/protocol.hpp"

namespace ordo::actors {

// A reply that is delivered at most once: by whoever comes first, the aggregate's answer or the
// deadline.
class one_reply {
 public:
  explicit one_reply(std::function<void(command_reply)> done) : done_(std::move(done)) {}

  // Delivers `reply` unless a reply was delivered before.
  void deliver(command_reply reply) {
    if (!answered_.exchange(true, std::memory_order_acq_rel)) done_(std::move(reply));
  }

 private:
  std::atomic<bool> answered_{false};
  std::function<void(command_reply)> done_;
};

class reply_deadlines {
 public:
  // `never_handed`: the answer to a late call that its aggregate never received (and now never
  // will); `maybe_applied`: to one that its aggregate received and may still apply.
  reply_deadlines(std::chrono::milliseconds timeout, command_reply never_handed,
                  command_reply maybe_applied);
  ~reply_deadlines();  // stops the sweeper; calls still watched are left to their actors
  reply_deadlines(const reply_deadlines&) = delete;
  reply_deadlines& operator=(const reply_deadlines&) = delete;

  // Once the timeout has passed, unless `reply` was answered before or is gone: gives up on
  // `decision` and delivers `never_handed` if that stopped the hand-off, else `maybe_applied`.
  void watch(const std::shared_ptr<one_reply>& reply, std::shared_ptr<handoff> decision);

 private:
  using clock = std::chrono::steady_clock;
  struct watched {
    clock::time_point deadline;
    std::weak_ptr<one_reply> reply;
    std::shared_ptr<handoff> decision;
  };
  struct expired_call {
    std::shared_ptr<one_reply> reply;
    std::shared_ptr<handoff> decision;
  };

  void sweep();

  const std::chrono::milliseconds timeout_;
  const command_reply never_handed_;
  const command_reply maybe_applied_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<watched> queue_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace ordo::actors
