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

result<std::uint64_t> load_last_position(rocks& db) {
  std::uint64_t last = 0;
  rocksdb::PinnableSlice value;
  auto status = db.db->Get(rocksdb::ReadOptions(), db.streams,
                           rocksdb::Slice(last_position_key.data(), 0), &value);
  if (status.ok()) {
    auto payload = unseal(value.ToStringView());
    if (!payload || payload->size() != 8)
      return storage_failure(storage_errc::corrupt, "corrupt position high-water mark");
    last = get_u64_be(*payload);
  } else if (!status.IsNotFound()) {
    return std::unexpected(from_status(status, "reading position high-water mark"));
  }
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.positions));
  it->SeekToLast();
  if (it->Valid() && it->key().size() == 8) last = std::max(last, get_u64_be(it->key().ToStringView()));
  return last;
}

}  // namespace ordo::persistence::detail
