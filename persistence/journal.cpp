#include "persistence/journal.hpp"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <future>

#include "persistence/detail/encoding.hpp"
#include "persistence/detail/stream_meta.hpp"
#include "persistence/journal_writer.hpp"

namespace ordo::persistence {
namespace {

// Multi-gets positions in chunks; large enough to amortise, small enough to bound memory.
constexpr std::size_t read_chunk = 1024;

// A consistent view of the DB for the duration of one read.
class read_snapshot {
 public:
  explicit read_snapshot(rocksdb::DB& db) : db_(db), snapshot_(db.GetSnapshot()) {}
  ~read_snapshot() { db_.ReleaseSnapshot(snapshot_); }
  read_snapshot(const read_snapshot&) = delete;
  read_snapshot& operator=(const read_snapshot&) = delete;
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB& db_;
  const rocksdb::Snapshot* snapshot_;
};

std::unexpected<storage_error> corrupt_index(std::string_view stream, std::uint64_t version,
                                             std::string why) {
  storage_error err{storage_errc::corrupt, "corrupt index entry of stream " + std::string(stream) +
                                               " version " + std::to_string(version) + ": " + why};
  err.stream = std::string(stream);
  err.version = version;
  return std::unexpected(std::move(err));
}

}  // namespace

journal::journal(detail::rocks& db, sync_mode sync, std::size_t max_batch_events,
                 std::uint64_t last_position)
    : db_(db), sync_(sync) {
  writer_ = std::make_unique<writer>(db, sync, max_batch_events, last_position);
}

journal::~journal() = default;

void journal::append_async(append_request request, append_callback done) {
  writer_->enqueue(std::move(request), std::move(done));
}

void journal::append_async(append_request request, std::shared_ptr<append_group> group,
                           std::unique_ptr<append_token> token) {
  writer_->enqueue(std::move(request), std::move(group), std::move(token));
}

result<append_result> journal::append(append_request request) {
  std::promise<result<append_result>> promise;
  auto future = promise.get_future();
  append_async(std::move(request),
               [&promise](result<append_result> r) { promise.set_value(std::move(r)); });
  return future.get();
}

void journal::flush() {
  // An empty request is a barrier: the writer answers it in queue order without writing.
  (void)append(append_request{});
}

std::uint64_t journal::last_position() const {
  return writer_->committed_position.load(std::memory_order_acquire);
}

void journal::set_commit_listener(commit_listener listener) {
  writer_->set_listener(std::move(listener));
}

journal_stats journal::stats() const {
  return writer_->stats();
}

void journal::set_write_fault(std::function<bool()> fault, storage_errc as) {
  writer_->set_fault(std::move(fault), as);
}

std::optional<std::string> journal::write_failure() const {
  return writer_->failure();
}

result<std::uint64_t> journal::highest_version(std::string_view stream) const {
  if (!detail::is_valid_stream(stream))
    return storage_failure(storage_errc::invalid_argument, "invalid stream id");
  return detail::stream_highest_version(db_, stream);
}

result<std::vector<recorded_event>> journal::read(std::string_view stream, std::uint64_t from,
                                                  std::uint64_t to, std::uint64_t max) const {
  if (!detail::is_valid_stream(stream))
    return storage_failure(storage_errc::invalid_argument, "invalid stream id");
  std::vector<recorded_event> events;
  if (from == 0) from = 1;
  if (from > to || max == 0) return events;

  read_snapshot snapshot(*db_.db);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.get();
  auto prefix = detail::stream_prefix(stream);
  auto upper = detail::stream_key(stream, to == unbounded ? unbounded : to + 1);
  rocksdb::Slice upper_slice(upper);
  if (to != unbounded) ro.iterate_upper_bound = &upper_slice;

  // Collect (version, position) from the index, then fetch the records from the log in chunks.
  std::vector<std::pair<std::uint64_t, std::string>> wanted;
  std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(ro, db_.events));
  auto fetch = [&]() -> result<void> {
    std::vector<rocksdb::Slice> keys;
    keys.reserve(wanted.size());
    for (auto& [version, key] : wanted) keys.emplace_back(key);
    std::vector<rocksdb::PinnableSlice> values(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db_.db->MultiGet(ro, db_.positions, keys.size(), keys.data(), values.data(), statuses.data(),
                     /*sorted_input=*/true);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      auto version = wanted[i].first;
      if (statuses[i].IsNotFound())
        return corrupt_index(stream, version, "its log record is missing");
      if (!statuses[i].ok())
        return std::unexpected(detail::from_status(statuses[i], "reading events"));
      auto event = detail::decode_event_record(values[i].ToStringView(),
                                               detail::get_u64_be(wanted[i].second));
      if (!event) {
        // The index knows which event this is; a damaged record's own bytes cannot be trusted.
        auto err = event.error();
        err.stream = std::string(stream);
        err.version = version;
        err.message += " (stream " + err.stream + ", version " + std::to_string(version) + ")";
        return std::unexpected(std::move(err));
      }
      if (event->stream != stream || event->version != version)
        return corrupt_index(stream, version, "its log record belongs to " + event->stream);
      events.push_back(std::move(*event));
    }
    wanted.clear();
    return {};
  };
  for (it->Seek(detail::stream_key(stream, from)); it->Valid(); it->Next()) {
    auto key = it->key().ToStringView();
    if (!key.starts_with(prefix) || key.size() != prefix.size() + 8) break;
    auto version = detail::get_u64_be(key.substr(prefix.size()));
    auto position = detail::unseal(it->value().ToStringView());
    if (!position || position->size() != 8)
      return corrupt_index(stream, version, "CRC32C mismatch");
    wanted.emplace_back(version, std::string(*position));
    if (wanted.size() == read_chunk) {
      if (auto r = fetch(); !r) return std::unexpected(r.error());
    }
    if (events.size() + wanted.size() >= max) break;
  }
  if (!it->status().ok())
    return std::unexpected(detail::from_status(it->status(), "reading stream"));
  if (auto r = fetch(); !r) return std::unexpected(r.error());
  return events;
}

namespace {

// How a scan of the log uses the block cache.
enum class scan_kind {
  tail,  // the recent end, read again and again (a projection catching up): keep its blocks
  bulk,  // a pass over much of the log (a rebuild): do not evict everything else for it
};

// Visits the log from `from_position` in order, handing each record over as a view of the
// iterator's bytes (valid during the call) until the visitor returns false.
template <class Visit>
result<void> scan_log_views(detail::rocks& db, std::uint64_t from_position, scan_kind kind,
                            Visit&& visit) {
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  ro.fill_cache = kind == scan_kind::tail;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(ro, db.positions));
  for (it->Seek(detail::position_key(from_position)); it->Valid(); it->Next()) {
    auto key = it->key().ToStringView();
    if (key.size() != 8) {
      return storage_failure(storage_errc::corrupt, "malformed key in the global log");
    }
    auto event =
        detail::decode_event_record_view(it->value().ToStringView(), detail::get_u64_be(key));
    if (!event) return std::unexpected(event.error());
    if (!visit(*event)) return {};
  }
  if (!it->status().ok())
    return std::unexpected(detail::from_status(it->status(), "reading the log"));
  return {};
}

// The same, handing each decoded event over (an rvalue the visitor may keep).
template <class Visit>
result<void> scan_log(detail::rocks& db, std::uint64_t from_position, Visit&& visit) {
  auto copy = [&](const detail::event_record_view& view) {
    recorded_event e;
    detail::assign(e, view);
    return visit(std::move(e));
  };
  return scan_log_views(db, from_position, scan_kind::tail, copy);
}

}  // namespace

result<void> journal::for_each(std::uint64_t from_position,
                               const std::function<bool(const recorded_event&)>& visit) const {
  return scan_log(db_, from_position, [&](recorded_event&& e) { return visit(e); });
}

result<std::vector<recorded_event>> journal::read_all(std::uint64_t from_position,
                                                      std::uint64_t max) const {
  std::vector<recorded_event> events;
  if (max == 0) return events;
  events.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(max, 4096)));
  auto r = scan_log(db_, from_position, [&](recorded_event&& e) {
    events.push_back(std::move(e));
    return events.size() < max;
  });
  if (!r) return std::unexpected(r.error());
  return events;
}

result<void> journal::read_all(std::uint64_t from_position, std::uint64_t max,
                               std::vector<recorded_event>& events) const {
  std::size_t count = 0;
  auto copy_into_next = [&](const detail::event_record_view& view) {
    if (count == events.size()) events.emplace_back();
    detail::assign(events[count++], view);
    return count < max;
  };
  events.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(max, 1 << 16)));
  auto r = max == 0 ? result<void>{}
                    : scan_log_views(db_, from_position, scan_kind::bulk, copy_into_next);
  events.resize(count);
  return r;
}

result<void> journal::truncate_before(std::string_view stream, std::uint64_t version) {
  if (!detail::is_valid_stream(stream))
    return storage_failure(storage_errc::invalid_argument, "invalid stream id");
  if (version <= 1) return {};
  read_snapshot snapshot(*db_.db);
  auto highest = detail::stream_highest_version(db_, stream, snapshot.get());
  if (!highest) return std::unexpected(highest.error());
  auto marker = detail::read_marker(db_, stream, snapshot.get());
  if (!marker) return std::unexpected(marker.error());
  auto before = *marker ? std::max(version, (*marker)->truncated_before) : version;

  rocksdb::WriteBatch wb;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.get();
  auto upper = detail::stream_key(stream, before);
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(ro, db_.events));
  for (it->Seek(detail::stream_prefix(stream)); it->Valid(); it->Next()) {
    if (auto position = detail::unseal(it->value().ToStringView());
        position && position->size() == 8)
      wb.Delete(db_.positions, rocksdb::Slice(position->data(), position->size()));
    wb.Delete(db_.events, it->key());
  }
  if (!it->status().ok()) return std::unexpected(detail::from_status(it->status(), "truncating"));
  wb.Put(db_.streams, rocksdb::Slice(stream.data(), stream.size()),
         detail::encode_marker({before, *highest}));
  rocksdb::WriteOptions wo;
  wo.sync = sync_ == sync_mode::always;
  if (auto status = db_.db->Write(wo, &wb); !status.ok())
    return std::unexpected(detail::from_status(status, "truncating " + std::string(stream)));
  return {};
}

}  // namespace ordo::persistence
