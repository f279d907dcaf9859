// A thread that runs one piece of work every so often until it is destroyed, which stops it
// promptly (a wait in progress ends at once) and joins it. The background sweeps of the HTTP
// layer (idempotency records, erasures kept for members that were down) run on one each.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ordo::http {

class periodic_task {
 public:
  // Starts the thread: `work` first runs after `every`, then every `every` after it returned.
  periodic_task(std::chrono::milliseconds every, std::function<void()> work);
  ~periodic_task();  // stops and joins
  periodic_task(const periodic_task&) = delete;
  periodic_task& operator=(const periodic_task&) = delete;

  // Whether the task is being stopped: long work checks it between its steps.
  bool stopping();

 private:
  void run();

  std::chrono::milliseconds every_;
  std::function<void()> work_;
  std::mutex lock_;
  std::condition_variable signal_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace ordo::http
