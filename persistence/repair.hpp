// ordo repair's storage side: opens a data directory whose WAL is damaged by recovering up to the
// first damaged record and dropping the rest (acknowledged events among them: the operator has
// accepted the loss), and rewrites an unreadable position high-water mark from the log's end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/result.hpp"

namespace ordo::persistence {

struct repair_report {
  std::vector<std::string> wal_drops;  // what RocksDB dropped: "FILE: dropping N bytes; why"
  bool watermark_rewritten = false;  // the high-water mark was unreadable and is now the log's end
  std::uint64_t last_position = 0;   // where the journal ends now
};

// Fails with busy when a node holds the directory, invalid_argument when it holds no database.
result<repair_report> repair_directory(const std::string& path);

}  // namespace ordo::persistence
