#include "actors/reply_deadlines.hpp"

#include <vector>

namespace ordo::actors {

reply_deadlines::reply_deadlines(std::chrono::milliseconds timeout, command_reply never_handed,
                                 command_reply maybe_applied)
    : timeout_(timeout),
      never_handed_(std::move(never_handed)),
      maybe_applied_(std::move(maybe_applied)) {
  sweeper_ = std::thread([this] { sweep(); });
}

reply_deadlines::~reply_deadlines() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  sweeper_.join();
}

void reply_deadlines::watch(const std::shared_ptr<one_reply>& reply,
                            std::shared_ptr<handoff> decision) {
  std::lock_guard lock(mutex_);
  bool was_empty = queue_.empty();
  queue_.push_back({clock::now() + timeout_, reply, std::move(decision)});
  if (was_empty) wake_.notify_one();
}

void reply_deadlines::sweep() {
  std::vector<expired_call> expired;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopping_) return;
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto now = clock::now();
    if (queue_.front().deadline > now) {
      wake_.wait_until(lock, queue_.front().deadline);
      continue;
    }
    while (!queue_.empty() && queue_.front().deadline <= now) {
      if (auto reply = queue_.front().reply.lock())
        expired.push_back({std::move(reply), std::move(queue_.front().decision)});
      queue_.pop_front();
    }
    // Deliver outside the lock: a caller's handler may issue the next command at once.
    lock.unlock();
    for (auto& call : expired)
      call.reply->deliver(call.decision->give_up() ? never_handed_ : maybe_applied_);
    expired.clear();
    lock.lock();
  }
}

}  // namespace ordo::actors
