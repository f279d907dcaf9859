#include "persistence/detail/stream_meta.hpp"

#include <memory>

#include "persistence/detail/encoding.hpp"

namespace ordo::persistence::detail {

std::string encode_marker(const truncation_marker& m) {
  std::string payload;
  put_u64_be(payload, m.truncated_before);
  put_u64_be(payload, m.highest_version);
  return seal(payload);
}

result<std::optional<truncation_marker>> read_marker(rocks& db, std::string_view stream,
                                                     const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  rocksdb::PinnableSlice value;
  auto status = db.db->Get(ro, db.streams, rocksdb::Slice(stream.data(), stream.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return std::unexpected(from_status(status, "reading stream metadata"));
  auto payload = unseal(value.ToStringView());
  if (!payload || payload->size() != 16) {
    storage_error err{storage_errc::corrupt, "corrupt truncation marker of stream " + std::string(stream)};
    err.stream = std::string(stream);
    return std::unexpected(std::move(err));
  }
  return truncation_marker{get_u64_be(*payload), get_u64_be(payload->substr(8))};
}

result<std::uint64_t> highest_indexed_version(rocks& db, std::string_view stream,
                                              const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  auto prefix = stream_prefix(stream);
  auto upper = stream_key(stream, UINT64_MAX);
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(ro, db.events));
  it->SeekForPrev(upper);
  if (!it->status().ok()) return std::unexpected(from_status(it->status(), "reading stream index"));
  if (!it->Valid()) return 0;
  auto key = it->key().ToStringView();
  if (key.size() != prefix.size() + 8 || !key.starts_with(prefix)) return 0;
  return get_u64_be(key.substr(prefix.size()));
}

result<std::uint64_t> stream_highest_version(rocks& db, std::string_view stream,
                                             const rocksdb::Snapshot* snapshot) {
  auto indexed = highest_indexed_version(db, stream, snapshot);
  if (!indexed) return indexed;
  auto marker = read_marker(db, stream, snapshot);
  if (!marker) return std::unexpected(marker.error());
  return *marker ? std::max(*indexed, (*marker)->highest_version) : *indexed;
}

result<std::uint64_t> last_log_position(rocks& db) {
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.positions));
  it->SeekToLast();
  if (!it->status().ok())
    return std::unexpected(from_status(it->status(), "reading the log's end"));
  if (!it->Valid()) return 0;
  if (it->key().size() != 8)
    return storage_failure(storage_errc::corrupt, "the log's last key is not a position");
  return get_u64_be(it->key().ToStringView());
}

result<std::uint64_t> load_last_position(rocks& db) {
  auto logged = last_log_position(db);
  if (!logged) return logged;
  rocksdb::PinnableSlice value;
  auto status = db.db->Get(rocksdb::ReadOptions(), db.streams,
                           rocksdb::Slice(last_position_key.data(), 0), &value);
  // Missing (a directory of an older version, or a lost key): the log's last key is the best
  // there is. Positions truncated away past it cannot be known, and are never needed again.
  if (status.IsNotFound()) return *logged;
  if (!status.ok())
    return std::unexpected(from_status(status, "reading the position high-water mark"));
  auto payload = unseal(value.ToStringView());
  if (!payload || payload->size() != 8) {
    // Never guess: the mark may be above the log's last key (truncated events), and positions
    // must not be reused.
    storage_error err{storage_errc::corrupt,
                      "the position high-water mark (column family streams, empty key) is "
                      "unreadable: it fails its CRC32C check; the log ends at position " +
                          std::to_string(*logged) +
                          "; 'ordo verify' names the damage, 'ordo repair --accept-loss' rewrites "
                          "the mark from the log"};
    return std::unexpected(std::move(err));
  }
  return std::max(get_u64_be(*payload), *logged);
}

}  // namespace ordo::persistence::detail
