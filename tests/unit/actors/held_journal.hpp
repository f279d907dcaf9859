// Holds the journal's writer inside its next batch (as a disk whose fsync takes long would) until
// released, for tests of what happens while an append is in flight.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "persistence/journal.hpp"

namespace ordo::actors::testing {

// The writer may still be leaving the fault function when this object is gone: what it touches is
// shared with it, not owned by this object.
class held_journal {
 public:
  // Once released, each batch fails (as io_error) while `failing` returns true.
  explicit held_journal(persistence::journal& journal, std::function<bool()> failing = {})
      : journal_(journal), hold_(std::make_shared<hold>()) {
    journal_.set_write_fault([hold = hold_, failing = std::move(failing)] {
      {
        std::unique_lock lock(hold->mutex);
        hold->holding = true;
        hold->changed.notify_all();
        hold->changed.wait(lock, [&] { return hold->released; });
      }
      return failing && failing();  // then write as usual, or fail
    });
  }
  ~held_journal() {
    release();
    journal_.set_write_fault({});
  }

  // Waits until a batch is held; false if none comes within 10 s.
  bool wait_until_holding() {
    std::unique_lock lock(hold_->mutex);
    return hold_->changed.wait_for(lock, std::chrono::seconds(10),
                                   [this] { return hold_->holding; });
  }
  void release() {
    std::lock_guard lock(hold_->mutex);
    hold_->released = true;
    hold_->changed.notify_all();
  }

 private:
  struct hold {
    std::mutex mutex;
    std::condition_variable changed;
    bool holding = false;
    bool released = false;
  };
  persistence::journal& journal_;
  std::shared_ptr<hold> hold_;
};

}  // namespace ordo::actors::testing
