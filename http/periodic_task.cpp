#include "http/periodic_task.hpp"

namespace ordo::http {

periodic_task::periodic_task(std::chrono::milliseconds every, std::function<void()> work)
    : every_(every), work_(std::move(work)), thread_([this] { run(); }) {}

periodic_task::~periodic_task() {
  {
    std::lock_guard guard(lock_);
    stopping_ = true;
  }
  signal_.notify_all();
  thread_.join();
}

bool periodic_task::stopping() {
  std::lock_guard guard(lock_);
  return stopping_;
}

void periodic_task::run() {
  std::unique_lock guard(lock_);
  while (!stopping_) {
    signal_.wait_for(guard, every_, [this] { return stopping_; });
    if (stopping_) break;
    guard.unlock();
    work_();
    guard.lock();
  }
}

}  // namespace ordo::http
