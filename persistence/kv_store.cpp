#include "persistence/kv_store.hpp"

#include <rocksdb/options.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "persistence/detail/encoding.hpp"
#include "persistence/detail/rocks.hpp"

namespace ordo::persistence {
namespace {

std::unexpected<storage_error> corrupt_value(std::string_view key) {
  storage_error err{storage_errc::corrupt, "corrupt value under key " + std::string(key)};
  return std::unexpected(std::move(err));
}

// The first key after every key that starts with `prefix`; empty when there is none (the prefix
// is all 0xff bytes).
std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

// The files ingest_sorted writes before it ingests them: kv-ingest-<n>.sst.tmp.
constexpr std::string_view ingest_file_prefix = "kv-ingest-";
constexpr std::string_view ingest_file_suffix = ".sst.tmp";

// Erases the keys under `prefix` (none when empty), then applies `writes`, in one WriteBatch.
enum class logging { wal, sync_wal, no_wal };

result<void> commit(detail::rocks& db, std::string_view prefix, std::span<const kv_write> writes,
                    logging log) {
  // Sized up front: a rebuild writes batches of many large rows, and growing the batch's buffer
  // by doubling would copy them over and over.
  std::size_t bytes = 64;
  for (auto& w : writes) bytes += w.key.size() + (w.value ? w.value->size() : 0) + 24;
  rocksdb::WriteBatch wb(bytes);
  if (!prefix.empty()) {
    auto end = prefix_end(prefix);
    if (end.empty())
      return storage_failure(storage_errc::invalid_argument, "kv prefix of 0xff bytes only");
    if (auto status = wb.DeleteRange(db.kv, rocksdb::Slice(prefix), rocksdb::Slice(end));
        !status.ok())
      return std::unexpected(detail::from_status(status, "erasing kv prefix"));
  }
  for (auto& w : writes) {
    if (w.key.empty()) return storage_failure(storage_errc::invalid_argument, "empty kv key");
    rocksdb::Slice key(w.key);
    if (w.value) {
      auto header = detail::seal_header(*w.value);
      rocksdb::Slice sealed[] = {{header.data(), header.size()}, rocksdb::Slice(*w.value)};
      wb.Put(db.kv, rocksdb::SliceParts(&key, 1), rocksdb::SliceParts(sealed, 2));
    } else {
      wb.Delete(db.kv, key);
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = log == logging::sync_wal;
  wo.disableWAL = log == logging::no_wal;
  if (auto status = db.db->Write(wo, &wb); !status.ok())
    return std::unexpected(detail::from_status(status, "writing kv"));
  return {};
}

logging wal(bool sync) {
  return sync ? logging::sync_wal : logging::wal;
}

}  // namespace

result<std::optional<std::string>> kv_store::get(std::string_view key) const {
  rocksdb::PinnableSlice value;
  auto status =
      db_.db->Get(rocksdb::ReadOptions(), db_.kv, rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok())
    return std::unexpected(detail::from_status(status, "reading " + std::string(key)));
  auto payload = detail::unseal(value.ToStringView());
  if (!payload) return corrupt_value(key);
  return std::string(*payload);
}

result<void> kv_store::write(std::span<const kv_write> writes, bool sync) {
  return commit(db_, {}, writes, wal(sync));
}

result<void> kv_store::write_without_wal(std::span<const kv_write> writes) {
  return commit(db_, {}, writes, logging::no_wal);
}

result<void> kv_store::erase_prefix_then_write(std::string_view prefix,
                                               std::span<const kv_write> writes, bool sync) {
  if (prefix.empty())
    return storage_failure(storage_errc::invalid_argument, "empty kv prefix to erase");
  return commit(db_, prefix, writes, wal(sync));
}

result<void> kv_store::ingest_sorted(std::span<const kv_write> writes) {
  if (writes.empty()) return {};
  if (std::ranges::any_of(writes, [](const kv_write& w) { return w.key.empty(); }))
    return storage_failure(storage_errc::invalid_argument, "empty kv key");
  // In the data directory, so that ingesting moves (links) the file instead of copying it. Not a
  // name RocksDB would give a table file of its own: a crash between writing and ingesting leaves
  // it aside, never mistaken for one of the database's files, until the next open's first ingest
  // removes it (before any file of its own exists: no other process writes in the directory, which
  // the open locked).
  std::call_once(ingest_leftovers_removed_, [&] {
    std::error_code ignored;
    for (auto& entry : std::filesystem::directory_iterator(db_.path, ignored)) {
      auto name = entry.path().filename().string();
      if (name.starts_with(ingest_file_prefix) && name.ends_with(ingest_file_suffix))
        std::filesystem::remove(entry.path(), ignored);
    }
  });
  auto path = (std::filesystem::path(db_.path) /
               (std::string(ingest_file_prefix) + std::to_string(ingest_files_.fetch_add(1)) +
                std::string(ingest_file_suffix)))
                  .string();
  auto failed = [&](const rocksdb::Status& status, const char* what) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return std::unexpected(detail::from_status(status, what));
  };
  // The column family's own options (table format, bloom filter, compression), so that the file
  // is what a flush of the same rows would have written. Its pages stay in the page cache: they
  // are read back as soon as the rows are.
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db_.db->GetOptions(db_.kv), db_.kv,
                                /*invalidate_page_cache=*/false);
  if (auto status = writer.Open(path); !status.ok())
    return failed(status, "opening a kv file to ingest");
  std::string sealed;
  for (auto& w : writes) {
    rocksdb::Status status;
    if (w.value) {
      auto header = detail::seal_header(*w.value);
      sealed.assign(header.data(), header.size());
      sealed.append(*w.value);
      status = writer.Put(w.key, sealed);
    } else {
      status = writer.Delete(w.key);
    }
    if (!status.ok()) return failed(status, "writing a kv file to ingest");
  }
  if (auto status = writer.Finish(); !status.ok())
    return failed(status, "finishing a kv file to ingest");
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;
  // The sequence number lives in the manifest only: no write into the file after it was synced.
  ingest.write_global_seqno = false;
  if (auto status = db_.db->IngestExternalFile(db_.kv, {path}, ingest); !status.ok())
    return failed(status, "ingesting a kv file");
  // Moved: the database holds its own link to the file now; ours is removed (if still there).
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  return {};
}

result<void> kv_store::put(std::string_view key, std::string_view value, bool sync) {
  kv_write w{std::string(key), std::string(value)};
  return write(std::span(&w, 1), sync);
}

result<void> kv_store::erase(std::string_view key, bool sync) {
  kv_write w{std::string(key), std::nullopt};
  return write(std::span(&w, 1), sync);
}

result<std::vector<std::pair<std::string, std::string>>> kv_store::scan(
    std::string_view prefix, std::string_view start_after, std::size_t limit) const {
  std::vector<std::pair<std::string, std::string>> rows;
  if (limit == 0) return rows;
  std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(rocksdb::ReadOptions(), db_.kv));
  auto start = std::string(std::max(prefix, start_after));
  for (it->Seek(start); it->Valid(); it->Next()) {
    auto key = it->key().ToStringView();
    if (!key.starts_with(prefix)) break;
    if (!start_after.empty() && key == start_after) continue;
    auto payload = detail::unseal(it->value().ToStringView());
    if (!payload) return corrupt_value(key);
    rows.emplace_back(std::string(key), std::string(*payload));
    if (rows.size() == limit) break;
  }
  if (!it->status().ok()) return std::unexpected(detail::from_status(it->status(), "scanning kv"));
  return rows;
}

result<void> kv_store::purge_history(std::string_view prefix) {
  if (prefix.empty())
    return storage_failure(storage_errc::invalid_argument, "empty kv prefix to purge");
  auto end = prefix_end(prefix);
  if (end.empty())
    return storage_failure(storage_errc::invalid_argument, "kv prefix of 0xff bytes only");
  // Every column family, not only kv: a WAL file is deleted only when no column family's
  // memtable still needs it, and the journal's writes share the same log.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  if (auto status = db_.db->Flush(flush, db_.handles); !status.ok())
    return std::unexpected(detail::from_status(status, "flushing before purging kv history"));
  rocksdb::CompactRangeOptions compact;
  // Without kForce a range already at the bottom level is left alone, with its old versions.
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  compact.exclusive_manual_compaction = false;
  rocksdb::Slice begin_key(prefix);
  rocksdb::Slice end_key(end);
  if (auto status = db_.db->CompactRange(compact, db_.kv, &begin_key, &end_key); !status.ok())
    return std::unexpected(detail::from_status(status, "compacting kv history"));
  return {};
}

}  // namespace ordo::persistence
