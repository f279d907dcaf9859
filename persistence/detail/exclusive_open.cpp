#include "persistence/detail/exclusive_open.hpp"

#include <rocksdb/options.h>

#include <vector>

#include "persistence/detail/rocks_open.hpp"

namespace ordo::persistence::detail {

result<std::unique_ptr<rocks>> open_exclusive(const std::string& path, bool create_if_missing,
                                              bool read_only, wal_damage wal) {
  rocksdb::DBOptions options;
  options.max_background_jobs = 2;
  rocksdb::ColumnFamilyOptions cf;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, cf},
      {"events", cf},
      {"positions", cf},
      {"streams", cf},
      {"snapshots", cf},
      {"kv", cf},
  };
  return open_rocks(
      {.path = path, .create_if_missing = create_if_missing, .read_only = read_only, .wal = wal},
      options, std::move(families));
}

}  // namespace ordo::persistence::detail
