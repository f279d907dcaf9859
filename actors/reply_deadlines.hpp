// Expires the gateway's asynchronous calls (send_async) whose reply does not come in time: one
// sweeper thread, and no lock on the callers' path. A caller pushes its call onto a lock-free
// stack (one compare-and-swap); the sweeper takes the whole stack at once into its own queue.
// Every call shares one timeout, so deadlines arrive in order and the sweeper only ever sleeps
// until the oldest one. It wakes for a new call only when it had nothing to watch, and then
// through an atomic flag, which callers read but only write when the sweeper sleeps idle.
// Blocking calls (gateway::send) are not watched here: their waiting thread expires them itself.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "actors/command_call.hpp"

namespace ordo::actors {

class reply_deadlines {
 public:
  explicit reply_deadlines(std::chrono::milliseconds timeout);
  ~reply_deadlines();  // stops the sweeper; calls still watched are left to their actors
  reply_deadlines(const reply_deadlines&) = delete;
  reply_deadlines& operator=(const reply_deadlines&) = delete;

  // Expires `call` (command_call::expire) once the timeout has passed, unless it is gone by then.
  void watch(std::weak_ptr<command_call> call);

 private:
  using clock = std::chrono::steady_clock;
  struct watched {
    clock::time_point deadline;
    std::weak_ptr<command_call> call;
    watched* next = nullptr;  // towards older pushes, while on the incoming stack
  };

  void sweep();
  void take_incoming();

  const std::chrono::milliseconds timeout_;
  std::atomic<watched*> incoming_{nullptr};  // pushed by callers, newest first
  std::atomic<bool> idle_{false};            // the sweeper sleeps with nothing to watch
  std::atomic<bool> stopping_{false};
  // The sweeper's own: what it watches, oldest first, and its timed sleep (which only the
  // destructor interrupts).
  std::deque<std::unique_ptr<watched>> queue_;
  std::mutex sleep_mutex_;
  std::condition_variable sleep_;
  std::thread sweeper_;
};

}  // namespace ordo::actors
