// How every path opens a data directory's RocksDB (the node, the offline tools, import, repair):
// the same column families, a WAL recovery mode that refuses damage before the log's tail, the
// directory lock also for read-only opens, and what RocksDB said about the WAL on the way.
#pragma once

#include <rocksdb/options.h>

#include <memory>
#include <string>
#include <vector>

#include "persistence/detail/rocks.hpp"
#include "persistence/result.hpp"

namespace ordo::persistence::detail {

enum class wal_damage {
  refuse,       // a damaged record before the WAL's tail fails the open (a torn tail is fine)
  accept_loss,  // recover up to the first damaged record and drop the rest (ordo repair)
};

struct open_spec {
  std::string path;
  bool create_if_missing = false;
  // OpenForReadOnly: the WAL is replayed into memory only, nothing in the directory changes.
  // The directory lock is still taken, so a directory that a node holds is refused as busy.
  bool read_only = false;
  wal_damage wal = wal_damage::refuse;
};

// Opens `spec.path` with `options` and these column families, in this order: default, events,
// positions, streams, snapshots, kv. Errors: invalid_argument (no directory, no database and
// !create_if_missing), busy (another process holds it), corrupt (a damaged WAL: the message names
// the file and how many bytes RocksDB would drop), io_error otherwise.
result<std::unique_ptr<rocks>> open_rocks(const open_spec& spec, rocksdb::DBOptions options,
                                          std::vector<rocksdb::ColumnFamilyDescriptor> families);

}  // namespace ordo::persistence::detail
