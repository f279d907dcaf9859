// One call of this node's gateway: the caller's side of a command that travels to its aggregate
// without a request/response pair. The caller enqueues a tracked_command straight into the
// owning shard's mailbox; the shard hands it to the aggregate, and the aggregate completes the
// call on its own thread once the reply is ready. Nothing travels back through CAF.
//
// Exactly one reply per call. Whoever answers first wins an atomic race for it: the aggregate (or
// the shard, refusing), the caller's deadline, or the last ticket dropped unanswered. Every later
// answer is dropped, and since each call has its own object a late reply can never reach another
// caller.
//
// Hand-off: a command that sits in a shard's mailbox (or is held by the shard while its aggregate
// stops) has not been handed over; once the shard puts it into the aggregate's mailbox it may be
// applied at any time. The caller's deadline and the shard race for that decision too, so a caller
// that gave up before the hand-off may say "nothing was applied" (unavailable, 503) and the shard
// then drops the command; one that gave up after it may only say "outcome unknown" (504).
#pragma once

#include <atomic>
#include <caf/all.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "actors/protocol.hpp"

namespace ordo::actors {

// What a blocked caller sleeps on until its reply is there. Not std::binary_semaphore: libstdc++'s
// semaphore spins with sched_yield before it sleeps, and with dozens of HTTP workers waiting on
// 2 cores that spinning took the CPU of the threads they waited for (~13% of a node's samples
// under add_item load); a condition variable sleeps at once.
class reply_signal {
 public:
  // Notified after the lock is released, so that the woken caller does not wake only to wait
  // for the mutex. The signal outlives the notification: whoever raises it holds a reference to
  // its call (a reply_ticket, or the deadline sweeper's locked weak_ptr).
  void raise() {
    {
      std::lock_guard lock(mutex_);
      raised_ = true;
    }
    raised_changed_.notify_one();
  }
  // False when `deadline` passed first.
  bool wait_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return raised_changed_.wait_until(lock, deadline, [this] { return raised_; });
  }
  void wait() {
    std::unique_lock lock(mutex_);
    raised_changed_.wait(lock, [this] { return raised_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable raised_changed_;
  bool raised_ = false;
};

class command_call {
 public:
  using reply_handler = std::function<void(command_reply)>;

  // A call whose reply goes to `done`, run by whoever answers (an aggregate's thread, a shard's,
  // the deadline sweeper's); it must be quick.
  explicit command_call(reply_handler done) : done_(std::move(done)) {}
  // A call whose caller waits for the reply (wait_until).
  command_call() = default;
  command_call(const command_call&) = delete;
  command_call& operator=(const command_call&) = delete;

  // The shard, just before it puts the command into the aggregate's mailbox: false when the
  // caller gave up (or was answered) before, and the command must be dropped.
  bool hand_over() {
    auto expected = stage::waiting;
    return stage_.compare_exchange_strong(expected, stage::handed, std::memory_order_acq_rel);
  }
  // The aggregate, as it takes the command from its mailbox: from now on it may be applied.
  void accept() {
    auto expected = stage::handed;
    stage_.compare_exchange_strong(expected, stage::accepted, std::memory_order_acq_rel);
  }

  // Answers the call; false (and `reply` is dropped) when it was answered before.
  bool complete(command_reply reply) {
    return finish([&](stage) { return std::move(reply); });
  }

  // The caller's deadline: answers `unavailable` if the command was never handed over (and now
  // never will be), `outcome_unknown` if it was; false when the call was answered before.
  bool expire() {
    return finish([](stage at) {
      return at == stage::waiting ? never_handed_reply() : not_answered_reply();
    });
  }

  // Nobody holds the command any more and nobody answered: it was dropped unread (a mailbox
  // discarded when its actor stopped) unless an aggregate had accepted it.
  bool abandon() {
    return finish([](stage at) {
      return at == stage::accepted ? dropped_after_accept_reply() : dropped_unread_reply();
    });
  }

  // For a call made without a handler: waits for the reply until `deadline`, then expires the
  // call and returns whatever won (the expiry's reply, or an answer that came just before it).
  command_reply wait_until(std::chrono::steady_clock::time_point deadline) {
    if (!ready_.wait_until(deadline)) {
      expire();
      ready_.wait();
    }
    return std::move(reply_);
  }

  static command_reply never_handed_reply();
  static command_reply not_answered_reply();

 private:
  enum class stage : std::uint8_t { waiting, handed, accepted, answered };

  static command_reply dropped_unread_reply();
  static command_reply dropped_after_accept_reply();

  // Moves to answered; the winner delivers make(stage it left).
  template <class Make>
  bool finish(Make make) {
    auto at = stage_.load(std::memory_order_acquire);
    do {
      if (at == stage::answered) return false;
    } while (!stage_.compare_exchange_weak(at, stage::answered, std::memory_order_acq_rel));
    if (done_) {
      done_(make(at));
    } else {
      reply_ = make(at);
      ready_.raise();
    }
    return true;
  }

  std::atomic<stage> stage_{stage::waiting};
  reply_handler done_;
  command_reply reply_;  // a waiting caller's reply, written by the winner before ready_
  reply_signal ready_;
  friend class reply_ticket;
  std::atomic<std::uint32_t> tickets_{0};
};

// What travels with the command: the right to answer its call. Copies share that right; when the
// last one is gone and nobody answered, the call is abandoned (see command_call::abandon), so a
// command lost with a mailbox or an actor's state is still answered once.
class reply_ticket {
 public:
  reply_ticket() = default;
  explicit reply_ticket(std::shared_ptr<command_call> call) : call_(std::move(call)) { take(); }
  reply_ticket(const reply_ticket& other) : call_(other.call_) { take(); }
  reply_ticket(reply_ticket&& other) noexcept = default;
  reply_ticket& operator=(reply_ticket other) noexcept {
    std::swap(call_, other.call_);
    return *this;
  }
  ~reply_ticket() {
    if (call_ && call_->tickets_.fetch_sub(1, std::memory_order_acq_rel) == 1) call_->abandon();
  }

  explicit operator bool() const { return call_ != nullptr; }
  bool hand_over() const { return call_->hand_over(); }
  void accept() const { call_->accept(); }
  bool complete(command_reply reply) const { return call_->complete(std::move(reply)); }

 private:
  void take() {
    if (call_) call_->tickets_.fetch_add(1, std::memory_order_relaxed);
  }
  std::shared_ptr<command_call> call_;
};

// A command from this node's gateway with the right to answer its caller (node-local: it carries
// a pointer, so it never crosses nodes; a command from elsewhere is a plain command_envelope,
// answered through CAF's request/response).
struct tracked_command {
  command_envelope envelope;
  reply_ticket reply;
};

// A read of an aggregate's state by this node's gateway, answered the same way: the aggregate
// completes the caller's call with its state (a query changes nothing, so a caller that gave up
// after the hand-off still knows that nothing happened).
struct tracked_query {
  std::string aggregate_type;
  std::string aggregate_id;
  reply_ticket reply;
};

}  // namespace ordo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::tracked_command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::tracked_query)
