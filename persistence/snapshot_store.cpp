#include "persistence/snapshot_store.hpp"

#include <rocksdb/write_batch.h>

#include <memory>

#include "persistence/detail/encoding.hpp"
#include "persistence/detail/rocks.hpp"

namespace ordo::persistence {
namespace {

// Snapshot value payload: schema (u64 BE) | timestamp (u64 BE) | bytes, sealed with a CRC32C.
std::string encode_snapshot(const snapshot& s) {
  std::string payload;
  payload.reserve(16 + s.bytes.size());
  detail::put_u64_be(payload, s.schema);
  detail::put_u64_be(payload, static_cast<std::uint64_t>(s.timestamp_ms));
  payload.append(s.bytes);
  return detail::seal(payload);
}

result<snapshot> decode_snapshot(std::string_view stream, std::uint64_t version,
                                 std::string_view value) {
  auto payload = detail::unseal(value);
  if (!payload || payload->size() < 16 || detail::get_u64_be(*payload) > UINT32_MAX) {
    storage_error err{storage_errc::corrupt, "corrupt snapshot of stream " + std::string(stream) +
                                                 " at version " + std::to_string(version)};
    err.stream = std::string(stream);
    err.version = version;
    return std::unexpected(std::move(err));
  }
  return snapshot{std::string(stream), version,
                  static_cast<std::uint32_t>(detail::get_u64_be(*payload)),
                  static_cast<std::int64_t>(detail::get_u64_be(payload->substr(8))),
                  std::string(payload->substr(16))};
}

bool invalid(std::string_view stream) { return !detail::is_valid_stream(stream); }

// Iterates one stream's snapshots from newest to oldest, starting at max_version.
template <class Visit>
result<void> visit_newest_first(detail::rocks& db, std::string_view stream,
                                std::uint64_t max_version, Visit&& visit) {
  auto prefix = detail::stream_prefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.snapshots));
  for (it->SeekForPrev(detail::stream_key(stream, max_version)); it->Valid(); it->Prev()) {
    auto key = it->key().ToStringView();
    if (!key.starts_with(prefix) || key.size() != prefix.size() + 8) break;
    auto version = detail::get_u64_be(key.substr(prefix.size()));
    if (!visit(version, it->value().ToStringView(), it->key())) break;
  }
  if (!it->status().ok()) return std::unexpected(detail::from_status(it->status(), "reading snapshots"));
  return {};
}

}  // namespace

result<void> snapshot_store::save(const snapshot& s) {
  if (invalid(s.stream)) return storage_failure(storage_errc::invalid_argument, "invalid stream id");
  auto status = db_.db->Put(rocksdb::WriteOptions(), db_.snapshots,
                            detail::stream_key(s.stream, s.version), encode_snapshot(s));
  if (!status.ok()) return std::unexpected(detail::from_status(status, "saving snapshot"));
  return {};
}

result<std::optional<snapshot>> snapshot_store::load_latest(std::string_view stream,
                                                            const snapshot_criteria& criteria) const {
  if (invalid(stream)) return storage_failure(storage_errc::invalid_argument, "invalid stream id");
  std::optional<snapshot> found;
  std::optional<storage_error> failure;
  auto r = visit_newest_first(db_, stream, criteria.max_version,
                              [&](std::uint64_t version, std::string_view value, const rocksdb::Slice&) {
                                auto s = decode_snapshot(stream, version, value);
                                if (!s) {
                                  failure = s.error();
                                  return false;
                                }
                                if (s->timestamp_ms > criteria.max_timestamp_ms) return true;
                                found = std::move(*s);
                                return false;
                              });
  if (!r) return std::unexpected(r.error());
  if (failure) return std::unexpected(*failure);
  return found;
}

result<void> snapshot_store::remove(std::string_view stream, std::uint64_t version) {
  if (invalid(stream)) return storage_failure(storage_errc::invalid_argument, "invalid stream id");
  auto status = db_.db->Delete(rocksdb::WriteOptions(), db_.snapshots, detail::stream_key(stream, version));
  if (!status.ok()) return std::unexpected(detail::from_status(status, "deleting snapshot"));
  return {};
}

result<void> snapshot_store::remove_matching(std::string_view stream,
                                             const snapshot_criteria& criteria) {
  if (invalid(stream)) return storage_failure(storage_errc::invalid_argument, "invalid stream id");
  rocksdb::WriteBatch wb;
  auto r = visit_newest_first(db_, stream, criteria.max_version,
                              [&](std::uint64_t version, std::string_view value, const rocksdb::Slice& key) {
                                // A corrupt snapshot matches any criteria: it is useless anyway.
                                auto s = decode_snapshot(stream, version, value);
                                if (!s || s->timestamp_ms <= criteria.max_timestamp_ms) wb.Delete(db_.snapshots, key);
                                return true;
                              });
  if (!r) return r;
  if (auto status = db_.db->Write(rocksdb::WriteOptions(), &wb); !status.ok())
    return std::unexpected(detail::from_status(status, "deleting snapshots"));
  return {};
}

result<void> snapshot_store::keep_latest(std::string_view stream, std::size_t keep) {
  if (invalid(stream)) return storage_failure(storage_errc::invalid_argument, "invalid stream id");
  rocksdb::WriteBatch wb;
  std::size_t seen = 0;
  auto r = visit_newest_first(db_, stream, UINT64_MAX,
                              [&](std::uint64_t, std::string_view, const rocksdb::Slice& key) {
                                if (++seen > keep) wb.Delete(db_.snapshots, key);
                                return true;
                              });
  if (!r) return r;
  if (wb.Count() == 0) return {};
  if (auto status = db_.db->Write(rocksdb::WriteOptions(), &wb); !status.ok())
    return std::unexpected(detail::from_status(status, "pruning snapshots"));
  return {};
}

}  // namespace ordo::persistence
