// The open RocksDB and its column family handles, shared by persistence's classes.
// Internal: only persistence/*.cpp include this, so RocksDB stays out of upper layers' headers.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>

#include "persistence/result.hpp"

namespace ordo::persistence::detail {

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

  ~rocks();
};

// Maps a non-OK RocksDB status to a storage error.
storage_error from_status(const rocksdb::Status& status, std::string what);

}  // namespace ordo::persistence::detail
