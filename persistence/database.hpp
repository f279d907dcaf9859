// The node's one RocksDB: opens the column families and owns the journal, snapshots and kv store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "persistence/journal.hpp"
#include "persistence/kv_store.hpp"
#include "persistence/result.hpp"
#include "persistence/snapshot_store.hpp"

namespace rocksdb {
class FileSystem;
}

namespace ordo::persistence {

struct database_options {
  std::string path;                         // the data directory
  bool create_if_missing = true;
  sync_mode sync = sync_mode::always;       // journal.sync
  std::size_t max_batch_events = 8192;      // group commit: most events in one WriteBatch
  std::size_t block_cache_bytes = 64 << 20; // shared read cache
  // The file system RocksDB writes through; null: the real one. For tests that simulate a power
  // loss (tests/unit/persistence/power_loss_fs.hpp).
  std::shared_ptr<rocksdb::FileSystem> file_system;
  // Opens without changing anything in the directory (the offline readers): appends fail, the
  // WAL is replayed into memory only. The directory lock is still taken.
  bool read_only = false;
};

class database {
 public:
  // Opens or creates the database. Fails with `busy` when another process holds the directory,
  // with `corrupt` when the WAL is damaged before its tail (naming the file: `ordo repair`
  // decides, never the open) or the position high-water mark is unreadable.
  static result<std::unique_ptr<database>> open(const database_options& options);
  ~database();  // stops the journal writer after it drained, flushes, closes
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  journal& events() { return *journal_; }
  snapshot_store& snapshots() { return *snapshots_; }
  kv_store& kv() { return *kv_; }
  const std::string& path() const;

 private:
  database(std::unique_ptr<detail::rocks> db, const database_options& options,
           std::uint64_t last_position);
  std::unique_ptr<detail::rocks> db_;
  std::unique_ptr<journal> journal_;
  std::unique_ptr<snapshot_store> snapshots_;
  std::unique_ptr<kv_store> kv_;
};

}  // namespace ordo::persistence
