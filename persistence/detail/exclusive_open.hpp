// Opens a data directory's RocksDB directly, for the offline tools (verify, import) that read or
// write below the journal's face. Same column families as database::open; the directory lock is
// taken (also read-only), so a directory that a running node holds is refused as `busy`.
#pragma once

#include <memory>
#include <string>

#include "persistence/detail/rocks.hpp"
#include "persistence/detail/rocks_open.hpp"
#include "persistence/result.hpp"

namespace ordo::persistence::detail {

// With create_if_missing == false a missing directory (or one without a database) is an
// invalid_argument error and nothing is created. read_only changes nothing in the directory
// (the WAL is replayed into memory only). A WAL damaged before its tail is a `corrupt` error,
// unless `wal` is accept_loss (ordo repair).
result<std::unique_ptr<rocks>> open_exclusive(const std::string& path, bool create_if_missing,
                                              bool read_only = false,
                                              wal_damage wal = wal_damage::refuse);

}  // namespace ordo::persistence::detail
