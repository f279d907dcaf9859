#include "persistence/database.hpp"

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <filesystem>

#include "persistence/detail/rocks.hpp"

namespace ordo::persistence {
namespace detail {

rocks::~rocks() {
  if (!db) return;
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close();
}

storage_error from_status(const rocksdb::Status& status, std::string what) {
  auto code = storage_errc::io_error;
  if (status.IsCorruption()) code = storage_errc::corrupt;
  if (status.IsInvalidArgument()) code = storage_errc::invalid_argument;
  return storage_error{code, std::move(what) + ": " + status.ToString()};
}

}  // namespace detail

std::string_view to_string(storage_errc code) {
  switch (code) {
    case storage_errc::wrong_expected_version: return "wrong_expected_version";
    case storage_errc::corrupt: return "corrupt";
    case storage_errc::io_error: return "io_error";
    case storage_errc::invalid_argument: return "invalid_argument";
    case storage_errc::busy: return "busy";
    case storage_errc::closed: return "closed";
  }
  return "unknown";
}

namespace {

rocksdb::ColumnFamilyOptions column_options(const std::shared_ptr<rocksdb::Cache>& cache,
                                            bool point_lookups) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (point_lookups) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

}  // namespace

result<std::unique_ptr<database>> database::open(const database_options& options) {
  if (options.path.empty()) return storage_failure(storage_errc::invalid_argument, "empty data directory");
  std::error_code ec;
  if (options.create_if_missing) std::filesystem::create_directories(options.path, ec);
  if (!std::filesystem::is_directory(options.path, ec))
    return storage_failure(storage_errc::invalid_argument,
                           "data directory " + options.path + " does not exist");

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;

  std::unique_ptr<rocksdb::Env> env;
  if (options.file_system) {
    env = rocksdb::NewCompositeEnv(options.file_system);
    db_options.env = env.get();
  }

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, column_options(cache, true)},
      {"events", column_options(cache, true)},
      {"positions", column_options(cache, false)},
      {"streams", column_options(cache, true)},
      {"snapshots", column_options(cache, false)},
      {"kv", column_options(cache, true)},
  };
  // Projections look up many rows that are not there (each new order's first event); without a
  // whole-key bloom filter each such lookup searches the whole memtable skip list.
  families.back().options.memtable_whole_key_filtering = true;
  families.back().options.memtable_prefix_bloom_size_ratio = 0.05;

  auto db = std::make_unique<detail::rocks>();
  db->env = std::move(env);
  db->path = options.path;
  rocksdb::DB* raw = nullptr;
  auto status = rocksdb::DB::Open(db_options, options.path, families, &db->handles, &raw);
  if (!status.ok()) {
    auto text = status.ToString();
    if (status.IsIOError() && text.find("lock") != std::string::npos)
      return storage_failure(storage_errc::busy,
                             "data directory " + options.path + " is in use by another process");
    return std::unexpected(detail::from_status(status, "cannot open " + options.path));
  }
  db->db.reset(raw);
  db->events = db->handles[1];
  db->positions = db->handles[2];
  db->streams = db->handles[3];
  db->snapshots = db->handles[4];
  db->kv = db->handles[5];
  return std::unique_ptr<database>(new database(std::move(db), options));
}

database::database(std::unique_ptr<detail::rocks> db, const database_options& options)
    : db_(std::move(db)),
      journal_(std::make_unique<journal>(*db_, options.sync, options.max_batch_events)),
      snapshots_(std::make_unique<snapshot_store>(*db_)),
      kv_(std::make_unique<kv_store>(*db_)) {}

database::~database() {
  journal_.reset();  // drains and joins the writer before the DB closes
  if (db_ && db_->db) db_->db->FlushWAL(true);
}

const std::string& database::path() const { return db_->path; }

}  // namespace ordo::persistence
