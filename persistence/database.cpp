#include "persistence/database.hpp"

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include "persistence/detail/rocks.hpp"
#include "persistence/detail/rocks_open.hpp"
#include "persistence/detail/stream_meta.hpp"

namespace ordo::persistence {
namespace detail {

rocks::~rocks() {
  if (db) {
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    db->Close();
    db.reset();
  }
  if (lock) (void)rocksdb::Env::Default()->UnlockFile(lock);
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
    case storage_errc::outcome_unknown:
      return "outcome_unknown";
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
  rocksdb::DBOptions db_options;
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

  auto db = detail::open_rocks({.path = options.path,
                                .create_if_missing = options.create_if_missing,
                                .read_only = options.read_only},
                               db_options, std::move(families));
  if (!db) return std::unexpected(db.error());
  (*db)->env = std::move(env);  // RocksDB holds a raw pointer to it: it lives as long as the db
  // Appends continue from the last position; a journal that cannot say where it ends must not
  // start over at 0 and overwrite its own log.
  auto last = detail::load_last_position(**db);
  if (!last) return std::unexpected(last.error());
  return std::unique_ptr<database>(new database(std::move(*db), options, *last));
}

database::database(std::unique_ptr<detail::rocks> db, const database_options& options,
                   std::uint64_t last_position)
    : db_(std::move(db)),
      journal_(
          std::make_unique<journal>(*db_, options.sync, options.max_batch_events, last_position)),
      snapshots_(std::make_unique<snapshot_store>(*db_)),
      kv_(std::make_unique<kv_store>(*db_)) {}

database::~database() {
  journal_.reset();  // drains and joins the writer before the DB closes
  if (db_ && db_->db && !db_->read_only) db_->db->FlushWAL(true);
}

const std::string& database::path() const { return db_->path; }

}  // namespace ordo::persistence
