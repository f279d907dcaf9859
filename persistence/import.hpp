// The low-level import path: writes recorded events with the versions, positions and timestamps
// they already have (from an export), below the journal's face. Only into an empty journal, and
// only while no node holds the directory.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
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
  std::uint64_t kv_records = 0;
};

// The checks of an import's input, without a database, so that a whole file can be checked before
// anything is written. REQUIRES of the events (invalid_argument otherwise, naming the event): a
// valid stream id; positions strictly increase; within a stream versions are contiguous, from 1
// unless `allow_truncated_streams` (then a stream's first version may be above 1: its earlier
// events were truncated, and the importer writes a truncation marker). Of the kv records: a
// non-empty key, keys strictly increasing (no key twice). Not thread-safe.
class import_validator {
 public:
  explicit import_validator(bool allow_truncated_streams = true)
      : allow_truncated_streams_(allow_truncated_streams) {}

  result<void> check(const recorded_event& e);
  result<void> check_kv(std::string_view key);

  // The highest version checked so far of `stream`; 0 for a stream not seen.
  std::uint64_t highest_version(std::string_view stream) const;
  const import_stats& stats() const { return stats_; }

 private:
  bool allow_truncated_streams_;
  std::unordered_map<std::string, std::uint64_t> versions_;  // stream -> last version checked
  std::string last_key_;
  import_stats stats_;
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

  // Queues one event at its own stream, version and position, checked as import_validator does
  // (streams may start above 1: a truncation marker says so). Every `batch_events` events and kv
  // records are written in one atomic WriteBatch.
  result<void> add(const recorded_event& e);

  // Queues one kv record (a saga deadline, an idempotency record: node state that is not derived
  // from the journal), stored with its CRC32C as kv_store would. Keys must strictly increase.
  result<void> add_kv(std::string_view key, std::string_view value);

  // Writes what is queued and the position high-water mark, and syncs. Without finish() the
  // events of the last, partial batch are not written.
  result<import_stats> finish();

 private:
  explicit journal_importer(std::unique_ptr<detail::rocks> db, std::size_t batch_events);
  result<void> write_batch(bool sync);
  result<void> queued();

  struct pending;
  std::unique_ptr<detail::rocks> db_;
  std::unique_ptr<pending> batch_;
  std::size_t batch_events_;
  import_validator checked_;
};

}  // namespace ordo::persistence
