// A small key/value store for checkpoints, read-model rows, idempotency keys and deadlines
// (column family `kv`). Every value carries a CRC32C.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "persistence/journal.hpp"
#include "persistence/result.hpp"

namespace ordo::persistence {

namespace detail {
struct rocks;
}

// Thread-safe.
class kv_store {
 public:
  explicit kv_store(detail::rocks& db) : db_(db) {}

  result<std::optional<std::string>> get(std::string_view key) const;

  // Applies all writes atomically; with sync, durable against power loss when it returns.
  result<void> write(std::span<const kv_write> writes, bool sync = false);
  // Applies all writes atomically without the write-ahead log: they live in the memtable until
  // RocksDB flushes it (or the database closes), and a crash before that loses all of them,
  // never a part (one WriteBatch lands in one memtable). For what can be recomputed from the
  // journal and carries its own position in the same batch: read-model rows and checkpoints.
  // Writes with the WAL in the same column family (idempotency records, deadlines) are recovered
  // as before, whatever no-WAL writes came before or after them.
  result<void> write_without_wal(std::span<const kv_write> writes);
  // Deletes every key that starts with `prefix` (non-empty), then applies `writes`, all in one
  // atomic write. Costs one range tombstone however many keys there are, so that clearing a
  // read model of millions of rows is as quick as clearing an empty one.
  result<void> erase_prefix_then_write(std::string_view prefix, std::span<const kv_write> writes,
                                       bool sync = false);
  // Applies `writes` (REQUIRES: keys in strictly ascending byte order) by writing them into one
  // sorted table file and ingesting it, without the memtable or the write-ahead log: atomic (the
  // file is added whole or not at all), newer than everything written before (a key it holds
  // shadows the stored one, an erase in it hides it), and durable when it returns (RocksDB syncs
  // the file and records it in the manifest). Much cheaper per row than write() for large sorted
  // runs (an offline rebuild's batches: no skip list insert, no later flush), but each call adds a
  // file, usually to level 0, and a memtable holding keys of its range is flushed first: not for
  // small or frequent writes. Nothing is written for an empty `writes`. On failure nothing was
  // added and the file is removed. The first call of an open store removes the files that calls
  // interrupted by a crash left in the data directory (none belongs to the database).
  result<void> ingest_sorted(std::span<const kv_write> writes);
  result<void> put(std::string_view key, std::string_view value, bool sync = false);
  result<void> erase(std::string_view key, bool sync = false);

  // Keys starting with `prefix`, greater than `start_after` (empty: from the first), in key order,
  // at most `limit`.
  result<std::vector<std::pair<std::string, std::string>>> scan(std::string_view prefix,
                                                                std::string_view start_after = {},
                                                                std::size_t limit = 1000) const;

  // Makes the overwritten and deleted versions of the keys under `prefix` (non-empty) leave the
  // database's files, for data that must be gone, not only hidden (a destroyed data key): flushes
  // every column family, so that the write-ahead log files that held them are retired (RocksDB
  // deletes a WAL file once every column family has flushed past it; the WAL is never archived),
  // then compacts the range down to the bottommost level, rewriting every SST that holds a key of
  // it. Slow (a flush and a compaction): for rare, deliberate deletions.
  result<void> purge_history(std::string_view prefix);

 private:
  detail::rocks& db_;
  std::atomic<std::uint64_t> ingest_files_{0};  // names the files of ingest_sorted
  std::once_flag ingest_leftovers_removed_;     // see ingest_sorted
};

}  // namespace ordo::persistence
