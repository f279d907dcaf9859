// The journal's group-commit writer: one thread that turns every append queued while a write is
// in flight into the next RocksDB WriteBatch. Internal to persistence.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
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
  void enqueue(append_request request, std::shared_ptr<append_group> group,
               std::unique_ptr<append_token> token);

  std::atomic<std::uint64_t> committed_position;

  // Both may be set while appends run.
  void set_listener(commit_listener listener);
  void set_fault(std::function<bool()> fault, storage_errc as);

  journal_stats stats() const;

  // Why the journal cannot write now, or nullopt when it can.
  std::optional<std::string> failure() const;

 private:
  // An append with either its own callback or its group and token.
  struct pending {
    append_request request;
    append_callback done;
    std::shared_ptr<append_group> group;
    std::unique_ptr<append_token> token;
  };

  void enqueue(pending append);
  void run();
  void complete(std::vector<pending>& batch, std::vector<result<append_result>>& outcomes);
  void write(std::vector<pending>& batch);
  // Whether a batch may be written: false while the last write or a background flush failed
  // and the database cannot be resumed yet (then nothing is tried: the batch is refused).
  bool writable();
  void note_failure(const storage_error& error);
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
  storage_errc fault_code_ = storage_errc::io_error;
  std::mutex listener_mutex_;  // held while the listener runs, so replacing it waits for that
  commit_listener listener_;

  // Filled by the writer thread, read by stats().
  mutable std::mutex stats_mutex_;
  journal_stats stats_;

  // Set by the writer thread, read by failure() (readiness).
  mutable std::mutex health_mutex_;
  std::optional<std::string> failing_;
  // Writer-thread only: a write's outcome is unknown (a failed sync). Its batch may reappear
  // after a restart, so nothing more is written until then.
  bool outcome_unknown_ = false;

  // Writer-thread only: the highest version of recently written streams.
  std::unordered_map<std::string, std::uint64_t> highest_;
  std::thread thread_;
};

}  // namespace ordo::persistence
