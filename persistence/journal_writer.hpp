// The journal's group-commit writer: one thread that turns every append queued while a write is
// in flight into the next RocksDB WriteBatch. Internal to persistence.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "persistence/detail/rocks.hpp"
#include "persistence/journal.hpp"

namespace ordo::persistence {

struct journal::writer {
  writer(detail::rocks& db, sync_mode sync, std::size_t max_batch_events, std::uint64_t last_position);
  ~writer();  // drains the queue, then joins the thread

  void enqueue(append_request request, append_callback done);

  std::atomic<std::uint64_t> committed_position;

  // Both may be set while appends run.
  void set_listener(commit_listener listener);
  void set_fault(std::function<bool()> fault);

  journal_stats stats() const;

 private:
  struct pending {
    append_request request;
    append_callback done;
  };

  void run();
  void write(std::vector<pending>& batch);
  result<std::uint64_t> current_version(const std::string& stream,
                                        const std::unordered_map<std::string, std::uint64_t>& staged);

  detail::rocks& db_;
  const sync_mode sync_;
  const std::size_t max_batch_events_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<pending> queue_;
  bool stopping_ = false;
  std::function<bool()> fault_;
  std::mutex listener_mutex_;  // held while the listener runs, so replacing it waits for that
  commit_listener listener_;

  // Filled by the writer thread, read by stats().
  mutable std::mutex stats_mutex_;
  journal_stats stats_;

  // Writer-thread only: the highest version of recently written streams.
  std::unordered_map<std::string, std::uint64_t> highest_;
  std::thread thread_;
};

}  // namespace ordo::persistence
