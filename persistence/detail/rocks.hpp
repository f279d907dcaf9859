// The open RocksDB and its column family handles, shared by persistence's classes.
// Internal: only persistence/*.cpp include this, so RocksDB stays out of upper layers' headers.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/env.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "persistence/result.hpp"

namespace ordo::persistence::detail {

// What RocksDB's background error handling has reported (from its own threads): a failed flush
// or compaction stops writes just as a failed journal write does. The journal writer reads it
// and resumes the database itself (RocksDB's own automatic recovery is turned off).
struct background_error {
  std::atomic<bool> pending{false};
  std::mutex mutex;
  std::string text;  // the last error RocksDB reported
};

struct rocks {
  std::unique_ptr<rocksdb::Env> env;  // only with a database_options::file_system; outlives db
  std::string path;
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::ColumnFamilyHandle* events = nullptr;     // stream|0|version -> position
  rocksdb::ColumnFamilyHandle* positions = nullptr;  // position -> event record (the log)
  rocksdb::ColumnFamilyHandle* streams = nullptr;    // stream -> truncation marker
  rocksdb::ColumnFamilyHandle* snapshots = nullptr;  // stream|0|version -> snapshot
  rocksdb::ColumnFamilyHandle* kv = nullptr;         // key -> value
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // all of the above plus default
  bool read_only = false;
  rocksdb::FileLock* lock = nullptr;  // the directory lock a read-only open takes itself
  std::shared_ptr<background_error> background = std::make_shared<background_error>();
  // What RocksDB reported dropping while it recovered the WAL ("file: dropping N bytes; why").
  std::vector<std::string> wal_drops;

  ~rocks();
};

// Maps a non-OK RocksDB status to a storage error.
storage_error from_status(const rocksdb::Status& status, std::string what);

}  // namespace ordo::persistence::detail
