#include "persistence/import.hpp"

#include <rocksdb/write_batch.h>

#include "persistence/detail/encoding.hpp"
#include "persistence/detail/exclusive_open.hpp"
#include "persistence/detail/stream_meta.hpp"

namespace ordo::persistence {
namespace {

result<bool> family_is_empty(detail::rocks& db, rocksdb::ColumnFamilyHandle* family) {
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), family));
  it->SeekToFirst();
  if (!it->status().ok()) return std::unexpected(detail::from_status(it->status(), "reading"));
  return !it->Valid();
}

std::unexpected<storage_error> rejected(const recorded_event& e, std::string why) {
  storage_error err{storage_errc::invalid_argument,
                    "cannot import " + e.stream + " version " + std::to_string(e.version) +
                        " at position " + std::to_string(e.position) + ": " + std::move(why)};
  err.stream = e.stream;
  err.version = e.version;
  err.position = e.position;
  return std::unexpected(std::move(err));
}

}  // namespace

struct journal_importer::pending {
  rocksdb::WriteBatch batch;
  std::size_t events = 0;
};

journal_importer::journal_importer(std::unique_ptr<detail::rocks> db, std::size_t batch_events)
    : db_(std::move(db)), batch_(std::make_unique<pending>()), batch_events_(batch_events) {}

journal_importer::~journal_importer() = default;

result<std::unique_ptr<journal_importer>> journal_importer::open(const std::string& path,
                                                                 std::size_t batch_events) {
  auto db = detail::open_exclusive(path, /*create_if_missing=*/true);
  if (!db) return std::unexpected(db.error());
  for (auto* family : {(*db)->positions, (*db)->events, (*db)->streams, (*db)->snapshots}) {
    auto empty = family_is_empty(**db, family);
    if (!empty) return std::unexpected(empty.error());
    if (!*empty)
      return storage_failure(storage_errc::invalid_argument,
                             "data directory " + path +
                                 " already holds a journal; import needs an "
                                 "empty one");
  }
  return std::unique_ptr<journal_importer>(
      new journal_importer(std::move(*db), std::max<std::size_t>(batch_events, 1)));
}

result<void> import_validator::check(const recorded_event& e) {
  if (!detail::is_valid_stream(e.stream)) return rejected(e, "invalid stream id");
  if (e.version == 0) return rejected(e, "versions count from 1");
  if (e.position <= stats_.last_position)
    return rejected(e, "positions must increase (the previous was " +
                           std::to_string(stats_.last_position) + ")");
  auto [known, first] = versions_.try_emplace(e.stream, 0);
  if (!first && e.version != known->second + 1)
    return rejected(e, "the stream's previous version was " + std::to_string(known->second));
  if (first && e.version > 1 && !allow_truncated_streams_) {
    versions_.erase(known);
    return rejected(e, "the stream's versions must start at 1");
  }
  if (first) {
    ++stats_.streams;
    if (e.version > 1) ++stats_.truncated_streams;
  }
  known->second = e.version;
  stats_.last_position = e.position;
  ++stats_.events;
  return {};
}

result<void> import_validator::check_kv(std::string_view key) {
  if (key.empty()) return storage_failure(storage_errc::invalid_argument, "an empty kv key");
  if (stats_.kv_records > 0 && key <= last_key_)
    return storage_failure(storage_errc::invalid_argument,
                           "kv key " + std::string(key) + " is not after the previous one, " +
                               last_key_ + " (keys are exported in order, each once)");
  last_key_.assign(key);
  ++stats_.kv_records;
  return {};
}

std::uint64_t import_validator::highest_version(std::string_view stream) const {
  auto known = versions_.find(std::string(stream));
  return known == versions_.end() ? 0 : known->second;
}

result<void> journal_importer::add(const recorded_event& e) {
  bool first = checked_.highest_version(e.stream) == 0;
  if (auto ok = checked_.check(e); !ok) return ok;
  if (first && e.version > 1) {
    // Its earlier events were truncated at the source: say so, as truncate_before() would.
    batch_->batch.Put(db_->streams, rocksdb::Slice(e.stream),
                      detail::encode_marker({e.version, e.version - 1}));
  }
  auto position = detail::position_key(e.position);
  batch_->batch.Put(db_->positions, position, detail::encode_event_record(e));
  batch_->batch.Put(db_->events, detail::stream_key(e.stream, e.version), detail::seal(position));
  return queued();
}

result<void> journal_importer::add_kv(std::string_view key, std::string_view value) {
  if (auto ok = checked_.check_kv(key); !ok) return ok;
  batch_->batch.Put(db_->kv, rocksdb::Slice(key), detail::seal(value));
  return queued();
}

result<void> journal_importer::queued() {
  if (++batch_->events >= batch_events_) return write_batch(/*sync=*/false);
  return {};
}

result<void> journal_importer::write_batch(bool sync) {
  if (auto last = checked_.stats().last_position; last > 0) {
    // The high-water mark travels with every batch, as the journal writer keeps it.
    batch_->batch.Put(db_->streams, rocksdb::Slice(detail::last_position_key.data(), 0),
                      detail::seal(detail::position_key(last)));
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  if (auto status = db_->db->Write(wo, &batch_->batch); !status.ok())
    return std::unexpected(detail::from_status(status, "importing"));
  batch_->batch.Clear();
  batch_->events = 0;
  return {};
}

result<import_stats> journal_importer::finish() {
  if (auto r = write_batch(/*sync=*/true); !r) return std::unexpected(r.error());
  if (auto status = db_->db->FlushWAL(true); !status.ok())
    return std::unexpected(detail::from_status(status, "syncing the import"));
  return checked_.stats();
}

}  // namespace ordo::persistence
