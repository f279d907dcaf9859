// An offline consistency check of a data directory: every record's CRC32C, the per-stream index
// against the global log, version contiguity, the position high-water mark and the snapshots;
// and, through the caller's check_kv, what the kv store holds (read-model checkpoints).
//
// The check streams through the column families in key order and keeps O(streams) memory: the
// log's records and the index's entries are summarised by a count and an order-independent
// fingerprint of their (stream, version, position) triples. When the two agree, log and index
// agree; otherwise a second pass summarises the log per stream, and only a stream whose two
// summaries disagree is examined entry by entry to name each problem. Problems are values, never
// exceptions; the storage layer knows no domain type, so whether a snapshot's or an event's bytes
// make sense to its aggregate, or whether a checkpoint is, is asked of the caller (verify_options).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/event_record.hpp"
#include "persistence/kv_store.hpp"
#include "persistence/result.hpp"
#include "persistence/snapshot_store.hpp"

namespace ordo::persistence {

enum class problem_kind {
  crc_mismatch,               // a log record fails its CRC32C
  undecodable_record,         // a log record passes its CRC but is badly framed or misplaced
  malformed_key,              // a key of the log, index or snapshots that no writer produces
  corrupt_index_entry,        // an index value fails its CRC32C or is not a position
  missing_record,             // an index entry points to a position with no record
  index_mismatch,             // an index entry points to a record of another stream or version
  orphan_position,            // a log record that no index entry points to
  version_gap,                // a stream's versions are not contiguous from its first kept one
  corrupt_marker,             // a truncation marker or the position high-water mark is unreadable
  position_watermark_behind,  // the high-water mark is below the log's last position
  undecodable_snapshot,       // a snapshot fails its CRC32C or its aggregate cannot load it
  snapshot_beyond_stream,     // a snapshot of a version its stream never reached
  undecodable_event,          // an event its aggregate cannot decode (only with check_event)
  unreadable_checkpoint,      // a read-model checkpoint that cannot be read (only with check_kv)
  checkpoint_beyond_journal,  // a read-model checkpoint past the journal's end (only with check_kv)
  corrupt_kv_record,          // a kv record of node state fails its CRC32C (with check_kv_record)
  unreadable_kv_record,       // a kv record of node state its owner cannot read (check_kv_record)
  kv_record_without_stream,   // e.g. a saga deadline whose stream has no events (check_kv_record)
};

std::string_view to_string(problem_kind kind);

struct journal_problem {
  problem_kind kind;
  std::string stream;          // where known
  std::uint64_t version = 0;   // where known
  std::uint64_t position = 0;  // where known
  std::string detail;          // for a human
  std::string key;             // a problem of the kv store: the key concerned
  bool operator==(const journal_problem&) const = default;
};

struct verify_report {
  std::uint64_t records = 0;              // log records read
  std::uint64_t index_entries = 0;        // index entries read
  std::uint64_t streams = 0;              // distinct streams in the log or the index
  std::uint64_t snapshots = 0;            // snapshots read
  std::uint64_t last_position = 0;        // the log's last position
  std::uint64_t problem_count = 0;        // all problems found, even beyond max_problems
  std::vector<journal_problem> problems;  // the first max_problems, in the order found
  bool ok() const { return problem_count == 0; }
};

// What the caller says of one kv record (verify_options::check_kv_record).
struct kv_record_verdict {
  std::optional<std::string> problem;  // why its owner cannot read the payload
  std::string stream;  // the journal stream the record belongs to, which must exist; empty: none
};

struct verify_options {
  // Called once the directory is open, before anything is checked, with its kv store (valid
  // until verify_directory returns): e.g. to load what check_event needs from it. It may set
  // check_event of the options verify_directory was given (read after it returns), so that events
  // are decoded only when something needs them. An error ends the verification with that error.
  std::function<result<void>(kv_store& kv)> on_open;
  // Why the snapshot's bytes cannot be loaded by its aggregate, or nullopt when they can.
  // Called only for snapshots that pass their CRC32C. Empty: not asked.
  std::function<std::optional<std::string>(const snapshot&)> check_snapshot;
  // Why the event cannot be decoded by its aggregate, or nullopt. Empty: events are not decoded.
  std::function<std::optional<std::string>(const recorded_event&)> check_event;
  // The problems of what the kv store holds above the journal (read-model checkpoints), given the
  // journal's last position: the higher of the log's last record and the position high-water
  // mark. Called once, after the journal's own checks. Empty: not asked.
  std::function<result<std::vector<journal_problem>>(const kv_store& kv,
                                                     std::uint64_t last_position)>
      check_kv;
  // Asked of every kv record, with its payload (nullopt when it fails its CRC32C): nullopt when
  // the record is none of the caller's concern (read-model rows and checkpoints, which check_kv
  // looks at), else its verdict. Empty: the kv store's records are not scanned.
  std::function<std::optional<kv_record_verdict>(std::string_view key,
                                                 std::optional<std::string_view> payload)>
      check_kv_record;
  // Called now and then during the scan of the log with the records read so far.
  std::function<void(std::uint64_t records)> progress;
  std::size_t max_problems = 10'000;
};

// Verifies the database in `path`, opened read-only: nothing in the directory changes. Fails
// (rather than reporting problems) when the directory cannot be opened: invalid_argument when it
// does not exist or holds no database (nothing is created), busy when a running node holds it,
// corrupt when its WAL is damaged before the tail, io_error when RocksDB cannot read it.
result<verify_report> verify_directory(const std::string& path, const verify_options& options = {});

}  // namespace ordo::persistence
