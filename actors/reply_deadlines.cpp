#include "actors/reply_deadlines.hpp"

#include <vector>

namespace ordo::actors {

reply_deadlines::reply_deadlines(std::chrono::milliseconds timeout) : timeout_(timeout) {
  sweeper_ = std::thread([this] { sweep(); });
}

reply_deadlines::~reply_deadlines() {
  stopping_.store(true);
  {
    std::lock_guard lock(sleep_mutex_);  // the sweeper checks stopping_ under it before it sleeps
  }
  sleep_.notify_all();
  idle_.store(false);
  idle_.notify_one();
  sweeper_.join();
  for (auto* w = incoming_.exchange(nullptr); w != nullptr;) {
    std::unique_ptr<watched> owned(w);
    w = w->next;
  }
}

void reply_deadlines::watch(std::weak_ptr<command_call> call) {
  auto* w = new watched{clock::now() + timeout_, std::move(call), nullptr};
  w->next = incoming_.load(std::memory_order_relaxed);
  while (!incoming_.compare_exchange_weak(w->next, w)) {
  }
  // Sequentially consistent with the sweeper's idle_ store and incoming_ check: either it sees
  // this push before it sleeps, or this sees it asleep and wakes it.
  if (idle_.load() && idle_.exchange(false)) idle_.notify_one();
}

void reply_deadlines::take_incoming() {
  auto* w = incoming_.exchange(nullptr);
  // The stack is newest first: queue it oldest first.
  std::vector<watched*> batch;
  for (; w != nullptr; w = w->next) batch.push_back(w);
  for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.emplace_back(*it);
}

void reply_deadlines::sweep() {
  while (!stopping_.load()) {
    take_incoming();
    auto now = clock::now();
    while (!queue_.empty() && queue_.front()->deadline <= now) {
      if (auto call = queue_.front()->call.lock()) call->expire();
      queue_.pop_front();
    }
    if (queue_.empty()) {
      idle_.store(true);
      if (incoming_.load() != nullptr || stopping_.load()) {
        idle_.store(false);
        continue;
      }
      idle_.wait(true);
      continue;
    }
    // Calls pushed meanwhile expire later than the oldest one: no need to wake for them.
    std::unique_lock lock(sleep_mutex_);
    sleep_.wait_until(lock, queue_.front()->deadline, [this] { return stopping_.load(); });
  }
}

}  // namespace ordo::actors
