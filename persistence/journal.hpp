// The journal: append-only event streams over RocksDB with group commit, and the node's global log.
//
// Layout (column families):
//   positions: position (u64 BE) -> full event record (stream, version, metadata, data, CRC32C).
//              This is the log in commit order; read_all() is a plain forward scan of it.
//   events:    stream | 0x00 | version (u64 BE) -> position (CRC32C-protected). The per-stream index.
//   streams:   stream -> truncation marker, written only by truncate_before(), so that the highest
//              version survives truncating everything.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/event_record.hpp"
#include "persistence/result.hpp"

namespace ordo::persistence {

namespace detail {
struct rocks;
}

// The stream state an append requires. A mismatch fails the append with the actual version.
struct expected_version {
  enum class kind { any, no_stream, exists, exact };
  kind mode = kind::any;
  std::uint64_t version = 0;  // only for kind::exact

  static expected_version any() { return {kind::any, 0}; }
  static expected_version no_stream() { return {kind::no_stream, 0}; }
  static expected_version exists() { return {kind::exists, 0}; }
  static expected_version exact(std::uint64_t v) { return {kind::exact, v}; }  // exact(0): new stream
  bool operator==(const expected_version&) const = default;
};

// A key/value write that commits atomically with an append (e.g. a saga deadline, a checkpoint).
// `value == std::nullopt` deletes the key; an empty string is stored as a value.
struct kv_write {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const kv_write&) const = default;
};

struct append_request {
  std::string stream;
  expected_version expected;
  std::vector<event_data> events;   // may be empty: then only the version check and kv writes happen
  std::vector<kv_write> kv_writes;  // committed in the same WriteBatch as the events
};

struct append_result {
  std::uint64_t first_version = 0;  // 0 when no events were appended
  std::uint64_t last_version = 0;   // the stream's version after the append
  std::uint64_t first_position = 0;
  std::uint64_t last_position = 0;
  bool operator==(const append_result&) const = default;
};

enum class sync_mode {
  always,  // one WAL fsync per batch: an acknowledged append survives power loss
  none,    // WAL written but not synced: survives a process crash, not a power loss
};

constexpr std::uint64_t unbounded = std::numeric_limits<std::uint64_t>::max();

// A fixed-bucket histogram, as Prometheus exposes them: counts per bucket (not cumulative);
// counts.size() == upper_bounds.size() + 1, the last bucket being +Inf.
struct histogram {
  std::vector<double> upper_bounds;
  std::vector<std::uint64_t> counts;
  double sum = 0;
  std::uint64_t count = 0;
};

// What the journal's writer has done since the database opened.
struct journal_stats {
  std::uint64_t batches = 0;          // WriteBatches committed
  std::uint64_t events_appended = 0;
  std::uint64_t failed_batches = 0;
  histogram batch_events;             // events per committed batch
  histogram write_seconds;            // time of each RocksDB write, including its WAL sync
  std::uint64_t last_position = 0;
};

using append_callback = std::function<void(result<append_result>)>;
// What a caller hands in with an append that completes through an append_group, and gets back
// with its outcome: the caller's own (derived) type; the journal never looks inside.
struct append_token {
  virtual ~append_token() = default;
};

struct completed_append {
  std::unique_ptr<append_token> token;
  result<append_result> outcome;
};

// Completes many appends with one call: once per WriteBatch that held appends of the group, after
// the batch is durable per the sync mode (or has failed), with the outcomes of all of them in
// append order. A caller that hands completions to another thread through a queue so pays one
// hand-off per group and batch instead of one per append.
class append_group {
 public:
  virtual ~append_group() = default;
  // On the writer thread (on the appending thread when the journal is closed). Must be quick and
  // must not call back into the journal's append.
  virtual void complete(std::vector<completed_append> appends) = 0;
};

// Gets each committed batch's events, which it may move away (the writer has no further use).
using commit_listener = std::function<void(std::vector<recorded_event>&)>;

// Thread-safe. Appends from any number of threads are queued and written by one writer thread:
// every append that arrives while a write is in flight goes into the next WriteBatch.
class journal {
 public:
  // Appends continue after `last_position` (detail::load_last_position).
  journal(detail::rocks& db, sync_mode sync, std::size_t max_batch_events,
          std::uint64_t last_position);
  ~journal();  // drains queued appends, then stops the writer thread
  journal(const journal&) = delete;
  journal& operator=(const journal&) = delete;

  // Appends atomically (all events and kv writes, or none) and calls `done` on the writer thread
  // once the batch is durable per the sync mode, or has failed. `done` must be quick and must not
  // call back into the journal's append. REQUIRES: stream is 1..255 bytes without NUL.
  void append_async(append_request request, append_callback done);

  // The same append, completed through `group` together with the group's other appends of the
  // same batch (before the batch's plain callbacks). REQUIRES: group and token are not null.
  void append_async(append_request request, std::shared_ptr<append_group> group,
                    std::unique_ptr<append_token> token);

  // Blocking form of append_async.
  result<append_result> append(append_request request);

  // Returns once every append queued before the call has been written and its callback has run
  // (and with it the commit listener's call for those batches).
  void flush();

  // Events of `stream` with from <= version <= to, at most `max`, in version order.
  // from > to or max == 0 gives none; an unknown stream gives none. A damaged record is a
  // `corrupt` error naming the stream and version (as the index knows them). Reads, like
  // appends, reject a malformed stream id with invalid_argument.
  result<std::vector<recorded_event>> read(std::string_view stream, std::uint64_t from = 1,
                                           std::uint64_t to = unbounded,
                                           std::uint64_t max = unbounded) const;

  // The stream's highest version ever written (0 for an unknown stream); truncation never lowers it.
  result<std::uint64_t> highest_version(std::string_view stream) const;

  // Events with position >= from_position, at most `max`, in position (commit) order.
  result<std::vector<recorded_event>> read_all(std::uint64_t from_position,
                                               std::uint64_t max = unbounded) const;
  // The same into `events`, replacing what it held but reusing its elements' storage, so that a
  // scan that reads batch after batch into one vector allocates (almost) nothing per event; for
  // passes over much of the log, so its blocks do not fill the block cache. On failure `events`
  // holds the events read before the damaged record.
  result<void> read_all(std::uint64_t from_position, std::uint64_t max,
                        std::vector<recorded_event>& events) const;

  // Visits events with position >= from_position in order without holding them all in memory.
  // The visitor returns false to stop early.
  result<void> for_each(std::uint64_t from_position,
                        const std::function<bool(const recorded_event&)>& visit) const;

  // The highest committed position (0 when the journal is empty).
  std::uint64_t last_position() const;

  // Deletes the stream's events with version < `version`, from the stream and from the global
  // log (read_all then skips their positions; positions are never reused). The highest version
  // is kept.
  result<void> truncate_before(std::string_view stream, std::uint64_t version);

  // Called on the writer thread after each durable batch, with that batch's events in position
  // order. Set it before the first append; it must be quick (hand the events to an actor).
  // Replacing it waits until a call to the previous listener in progress has returned.
  void set_commit_listener(commit_listener listener);

  // Test seam for fault injection: while it returns true, every batch fails with `as`: io_error
  // as if RocksDB had refused the write, outcome_unknown as if its sync had failed (the journal
  // then writes nothing more until it is reopened). Pass an empty function to remove it.
  void set_write_fault(std::function<bool()> fault, storage_errc as = storage_errc::io_error);

  // Why appends fail now (a full disk, a failed sync), or nullopt while the journal can write.
  // The writer retries by itself: a full disk clears once space returns; a failed sync (whose
  // batch may be durable) only with a restart.
  std::optional<std::string> write_failure() const;

  sync_mode sync() const { return sync_; }
  journal_stats stats() const;

 private:
  struct writer;
  detail::rocks& db_;
  sync_mode sync_;
  std::unique_ptr<writer> writer_;
};

}  // namespace ordo::persistence
