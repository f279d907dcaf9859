#include "persistence/detail/exclusive_open.hpp"

#include <rocksdb/options.h>

#include <filesystem>
#include <vector>

namespace ordo::persistence::detail {

result<std::unique_ptr<rocks>> open_exclusive(const std::string& path, bool create_if_missing) {
  if (path.empty()) return storage_failure(storage_errc::invalid_argument, "empty data directory");
  std::error_code ec;
  if (create_if_missing) std::filesystem::create_directories(path, ec);
  if (!std::filesystem::is_directory(path, ec))
    return storage_failure(storage_errc::invalid_argument,
                           "data directory " + path + " does not exist");

  rocksdb::DBOptions options;
  options.create_if_missing = create_if_missing;
  options.create_missing_column_families = true;
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
  auto db = std::make_unique<rocks>();
  db->path = path;
  rocksdb::DB* raw = nullptr;
  auto status = rocksdb::DB::Open(options, path, families, &db->handles, &raw);
  if (!status.ok()) {
    auto text = status.ToString();
    if (status.IsIOError() && text.find("lock") != std::string::npos)
      return storage_failure(storage_errc::busy,
                             "data directory " + path + " is in use by another process");
    if (!create_if_missing && text.find("does not exist") != std::string::npos)
      return storage_failure(storage_errc::invalid_argument,
                             "data directory " + path + " holds no ordo database");
    return std::unexpected(from_status(status, "cannot open " + path));
  }
  db->db.reset(raw);
  db->events = db->handles[1];
  db->positions = db->handles[2];
  db->streams = db->handles[3];
  db->snapshots = db->handles[4];
  db->kv = db->handles[5];
  return db;
}

}  // namespace ordo::persistence::detail
