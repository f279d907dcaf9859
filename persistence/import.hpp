// The low-level import path: writes recorded events with the versions, positions and timestamps
// they already have (from an export), below the journal's face. Only into an empty journal, and
// only while no node holds the directory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "persistence/event_record.hpp"
#include "persistence/result.hpp"

namespace ordo::persistence {

namespace detail {
struct rocks;
}

struct import_stats {
  std::uint64_t events = 0;
  std::uint64_t streams = 0;
  std::uint64_t truncated_streams = 0;  // streams whose first imported version is above 1
  std::uint64_t last_position = 0;
};

// Not thread-safe: one importer per directory, fed from one thread.
class journal_importer {
 public:
  static constexpr std::size_t default_batch_events = 4096;

  // Opens (creating if missing) the directory. Fails with invalid_argument when its journal or
  // snapshots are not empty, busy when a running node holds it.
  static result<std::unique_ptr<journal_importer>> open(
      const std::string& path, std::size_t batch_events = default_batch_events);
  ~journal_importer();
  journal_importer(const journal_importer&) = delete;
  journal_importer& operator=(const journal_importer&) = delete;

  // Queues one event at its own stream, version and position. REQUIRES of the input (checked,
  // invalid_argument otherwise, naming the event): positions strictly increase; within a stream
  // versions are contiguous (a stream's first version may be above 1: its earlier events were
  // truncated, and a truncation marker says so). Every `batch_events` events are written in one
  // atomic WriteBatch.
  result<void> add(const recorded_event& e);

  // Writes what is queued and the position high-water mark, and syncs. Without finish() the
  // events of the last, partial batch are not written.
  result<import_stats> finish();

 private:
  explicit journal_importer(std::unique_ptr<detail::rocks> db, std::size_t batch_events);
  result<void> write_batch(bool sync);

  struct pending;
  std::unique_ptr<detail::rocks> db_;
  std::unique_ptr<pending> batch_;
  std::size_t batch_events_;
  std::unordered_map<std::string, std::uint64_t> versions_;  // stream -> last version imported
  import_stats stats_;
};

}  // namespace ordo::persistence
