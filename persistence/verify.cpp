#include "persistence/verify.hpp"

#include <rocksdb/db.h>

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "persistence/detail/encoding.hpp"
#include "persistence/detail/exclusive_open.hpp"
#include "persistence/detail/rocks.hpp"
#include "persistence/detail/stream_meta.hpp"

namespace ordo::persistence {

namespace {

constexpr std::uint64_t progress_every = 1 << 16;
constexpr std::size_t no_slot = static_cast<std::size_t>(-1);

// splitmix64 of the pair: summed per stream, so the order of visits does not matter.
std::uint64_t fingerprint(std::uint64_t version, std::uint64_t position) {
  std::uint64_t z = version * 0x9E3779B97F4A7C15ull ^ (position + 0x632BE59BD9B4E019ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The same, for an entry of the whole journal: summed over the log and over the index, two sums
// that agree (with the counts) unless some stream's log and index disagree.
std::uint64_t fingerprint(std::string_view stream, std::uint64_t version, std::uint64_t position) {
  return fingerprint(fingerprint(std::hash<std::string_view>{}(stream), version), position);
}

struct stream_summary {
  std::uint64_t log_count = 0;
  std::uint64_t log_sum = 0;
  std::uint64_t index_count = 0;
  std::uint64_t index_sum = 0;
  std::uint64_t highest = 0;         // the highest version seen anywhere (log, index, marker)
  std::uint64_t first_expected = 1;  // the truncation marker's truncated_before
  bool marker_unreadable = false;
  bool index_damaged = false;  // an entry that could not be summed
};

// stream | 0x00 | version (u64 BE); nullopt for any other shape.
std::optional<std::pair<std::string_view, std::uint64_t>> split_stream_key(std::string_view key) {
  auto nul = key.find('\0');
  if (nul == std::string_view::npos || nul == 0 || key.size() != nul + 9) return std::nullopt;
  return std::pair{key.substr(0, nul), detail::get_u64_be(key.substr(nul + 1))};
}

class verifier {
 public:
  verifier(detail::rocks& db, const verify_options& options) : db_(db), options_(options) {}

  result<verify_report> run() {
    kv_store kv(db_);
    if (options_.on_open)
      if (auto r = options_.on_open(kv); !r) return std::unexpected(r.error());
    if (auto r = scan_markers(); !r) return std::unexpected(r.error());
    if (auto r = scan_log(); !r) return std::unexpected(r.error());
    if (auto r = scan_index(); !r) return std::unexpected(r.error());
    if (auto r = examine_suspects(); !r) return std::unexpected(r.error());
    if (auto r = check_watermark(); !r) return std::unexpected(r.error());
    if (auto r = scan_snapshots(); !r) return std::unexpected(r.error());
    if (auto r = check_kv(); !r) return std::unexpected(r.error());
    if (auto r = scan_kv_records(); !r) return std::unexpected(r.error());
    // Without the second pass streams_ holds the truncation markers only.
    report_.streams = by_stream_ ? streams_.size()
                                 : index_highest_.size() + streams_.size() - marked_index_streams_;
    return std::move(report_);
  }

 private:
  std::size_t add(problem_kind kind, std::string_view stream, std::uint64_t version,
                  std::uint64_t position, std::string detail) {
    ++report_.problem_count;
    if (report_.problems.size() >= options_.max_problems) return no_slot;
    report_.problems.push_back({kind, std::string(stream), version, position, std::move(detail)});
    return report_.problems.size() - 1;
  }

  std::unique_ptr<rocksdb::Iterator> iterator(rocksdb::ColumnFamilyHandle* family) {
    rocksdb::ReadOptions ro;
    ro.readahead_size = 2 << 20;
    ro.fill_cache = false;
    return std::unique_ptr<rocksdb::Iterator>(db_.db->NewIterator(ro, family));
  }

  result<void> failed(const rocksdb::Iterator& it, std::string what) {
    if (it.status().ok()) return {};
    return std::unexpected(detail::from_status(it.status(), std::move(what)));
  }

  // Truncation markers first, so that the index scan knows where each stream starts.
  result<void> scan_markers() {
    auto it = iterator(db_.streams);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto key = it->key().ToStringView();
      if (key.empty()) {
        watermark_value_ = it->value().ToString();
        has_watermark_ = true;
        continue;
      }
      auto& summary = streams_[std::string(key)];
      auto payload = detail::unseal(it->value().ToStringView());
      if (!payload || payload->size() != 16) {
        summary.marker_unreadable = true;
        add(problem_kind::corrupt_marker, key, 0, 0, "truncation marker fails its CRC32C");
        continue;
      }
      summary.first_expected = detail::get_u64_be(*payload);
      summary.highest = std::max(summary.highest, detail::get_u64_be(payload->substr(8)));
    }
    return failed(*it, "reading stream metadata");
  }

  // Every record of the log: its CRC and framing, and the journal-wide count and fingerprint sum
  // that the index scan checks (records are looked at in place, without copies).
  result<void> scan_log() {
    auto it = iterator(db_.positions);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto key = it->key().ToStringView();
      if (key.size() != 8) {
        add(problem_kind::malformed_key, {}, 0, 0, "a key of the global log is not 8 bytes");
        continue;
      }
      auto position = detail::get_u64_be(key);
      report_.last_position = position;
      if (++report_.records % progress_every == 0 && options_.progress)
        options_.progress(report_.records);
      auto value = it->value().ToStringView();
      auto event = detail::decode_event_record_view(value, position);
      if (!event) {
        auto& err = event.error();
        auto kind = err.message.find("CRC32C") != std::string::npos
                        ? problem_kind::crc_mismatch
                        : problem_kind::undecodable_record;
        damaged_[position] = add(kind, err.stream, err.version, position, err.message);
        continue;
      }
      ++log_entries_;
      log_sum_ += fingerprint(event->stream, event->version, position);
      if (options_.check_event) {
        auto full = detail::decode_event_record(value, position);
        if (auto why = options_.check_event(*full))
          add(problem_kind::undecodable_event, full->stream, full->version, position, *why);
      }
    }
    return failed(*it, "reading the global log");
  }

  // Each stream's count, fingerprint sum and highest version in the log: a second pass, made only
  // when the journal-wide sums say that some stream's log and index disagree.
  result<void> summarize_log_by_stream() {
    auto it = iterator(db_.positions);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto key = it->key().ToStringView();
      if (key.size() != 8) continue;
      auto position = detail::get_u64_be(key);
      auto event = detail::decode_event_record_view(it->value().ToStringView(), position);
      if (!event) continue;  // reported by the first pass
      auto& summary = streams_[std::string(event->stream)];
      ++summary.log_count;
      summary.log_sum += fingerprint(event->version, position);
      summary.highest = std::max(summary.highest, event->version);
    }
    return failed(*it, "reading the global log");
  }

  // The stream index: each entry's CRC, version contiguity per stream (from the truncation
  // marker's first kept version), the journal-wide count and fingerprint sum, and each stream's
  // highest version (kept in stream order, without hashing, for the snapshot check).
  result<void> scan_index() {
    auto it = iterator(db_.events);
    std::string current;
    std::uint64_t previous = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto parts = split_stream_key(it->key().ToStringView());
      if (!parts) {
        add(problem_kind::malformed_key, {}, 0, 0, "an index key is not stream|0x00|version");
        continue;
      }
      auto [stream, version] = *parts;
      ++report_.index_entries;
      if (index_highest_.empty() || stream != current) {
        current.assign(stream);
        index_highest_.emplace_back(current, 0);
        previous = 0;
        std::uint64_t first_expected = 1;
        bool marker_unreadable = false;
        if (auto marked = streams_.find(current); marked != streams_.end()) {
          ++marked_index_streams_;
          first_expected = marked->second.first_expected;
          marker_unreadable = marked->second.marker_unreadable;
        }
        if (!marker_unreadable && version > first_expected)
          add(problem_kind::version_gap, stream, first_expected, 0,
              "versions " + std::to_string(first_expected) + ".." + std::to_string(version - 1) +
                  " are missing from the start of the stream");
      } else if (version != previous + 1) {
        add(problem_kind::version_gap, stream, previous + 1, 0,
            "versions " + std::to_string(previous + 1) + ".." + std::to_string(version - 1) +
                " are missing");
      }
      previous = version;
      index_highest_.back().second = version;  // keys are in version order
      auto position = detail::unseal(it->value().ToStringView());
      if (!position || position->size() != 8) {
        index_damaged_ = true;
        add(problem_kind::corrupt_index_entry, stream, version, 0, "index entry fails its CRC32C");
        continue;
      }
      ++index_entries_;
      index_sum_ += fingerprint(stream, version, detail::get_u64_be(*position));
    }
    return failed(*it, "reading the stream index");
  }

  // Each stream's count, fingerprint sum and highest version in the index: the second pass's
  // counterpart of summarize_log_by_stream.
  result<void> summarize_index_by_stream() {
    auto it = iterator(db_.events);
    std::string current;
    stream_summary* summary = nullptr;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto parts = split_stream_key(it->key().ToStringView());
      if (!parts) continue;
      auto [stream, version] = *parts;
      if (!summary || stream != current) {
        current.assign(stream);
        summary = &streams_[current];
      }
      summary->highest = std::max(summary->highest, version);
      auto position = detail::unseal(it->value().ToStringView());
      if (!position || position->size() != 8) {
        summary->index_damaged = true;
        continue;
      }
      ++summary->index_count;
      summary->index_sum += fingerprint(version, detail::get_u64_be(*position));
    }
    return failed(*it, "reading the stream index");
  }

  // Names each problem of the streams whose log and index summaries disagree.
  result<void> examine_suspects() {
    if (damaged_.empty() && !index_damaged_ && log_entries_ == index_entries_ &&
        log_sum_ == index_sum_)
      return {};  // log and index agree entry for entry; the index gave every highest version
    by_stream_ = true;
    if (auto r = summarize_log_by_stream(); !r) return r;
    if (auto r = summarize_index_by_stream(); !r) return r;
    std::unordered_set<std::string> suspects;
    for (auto& [stream, s] : streams_) {
      if (s.index_damaged || s.log_count != s.index_count || s.log_sum != s.index_sum)
        suspects.insert(stream);
    }
    if (suspects.empty() && damaged_.empty()) return {};
    for (auto& stream : suspects) {
      if (auto r = check_index_entries(stream); !r) return r;
    }
    return find_orphans(suspects);
  }

  // Every index entry of `stream` against the record it points to.
  result<void> check_index_entries(const std::string& stream) {
    auto prefix = detail::stream_prefix(stream);
    auto it = iterator(db_.events);
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      auto parts = split_stream_key(it->key().ToStringView());
      if (!parts || parts->first != stream) break;
      auto version = parts->second;
      auto sealed = detail::unseal(it->value().ToStringView());
      if (!sealed || sealed->size() != 8) continue;  // reported by the index scan
      auto position = detail::get_u64_be(*sealed);
      if (auto bad = damaged_.find(position); bad != damaged_.end()) {
        // The damaged record's own bytes cannot say whose it is; the index can.
        if (bad->second != no_slot) {
          auto& problem = report_.problems[bad->second];
          problem.stream = stream;
          problem.version = version;
        }
        continue;
      }
      rocksdb::PinnableSlice value;
      auto status = db_.db->Get(rocksdb::ReadOptions(), db_.positions,
                                detail::position_key(position), &value);
      if (status.IsNotFound()) {
        add(problem_kind::missing_record, stream, version, position,
            "the index points to position " + std::to_string(position) + ", which has no record");
        continue;
      }
      if (!status.ok()) return std::unexpected(detail::from_status(status, "reading the log"));
      auto event = detail::decode_event_record(value.ToStringView(), position);
      if (event && (event->stream != stream || event->version != version))
        add(problem_kind::index_mismatch, stream, version, position,
            "the index points to position " + std::to_string(position) + ", which holds " +
                event->stream + " version " + std::to_string(event->version));
    }
    return failed(*it, "reading the stream index");
  }

  // Log records of the suspect streams that no index entry points to.
  result<void> find_orphans(const std::unordered_set<std::string>& suspects) {
    if (suspects.empty()) return {};
    auto it = iterator(db_.positions);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto key = it->key().ToStringView();
      if (key.size() != 8) continue;
      auto position = detail::get_u64_be(key);
      auto event = detail::decode_event_record(it->value().ToStringView(), position);
      if (!event || !suspects.contains(event->stream)) continue;
      rocksdb::PinnableSlice value;
      auto status = db_.db->Get(rocksdb::ReadOptions(), db_.events,
                                detail::stream_key(event->stream, event->version), &value);
      if (!status.ok() && !status.IsNotFound())
        return std::unexpected(detail::from_status(status, "reading the stream index"));
      auto sealed = status.ok() ? detail::unseal(value.ToStringView()) : std::nullopt;
      if (status.ok() && !sealed) continue;  // a corrupt index entry, reported already
      if (!sealed || sealed->size() != 8 || detail::get_u64_be(*sealed) != position)
        add(problem_kind::orphan_position, event->stream, event->version, position,
            "no index entry points to this record");
    }
    return failed(*it, "reading the global log");
  }

  result<void> check_watermark() {
    if (!has_watermark_) {
      if (report_.last_position > 0)
        add(problem_kind::position_watermark_behind, {}, 0, report_.last_position,
            "the position high-water mark is missing");
      return {};
    }
    auto payload = detail::unseal(watermark_value_);
    if (!payload || payload->size() != 8) {
      add(problem_kind::corrupt_marker, {}, 0, 0, "the position high-water mark is unreadable");
      return {};
    }
    auto mark = detail::get_u64_be(*payload);
    watermark_ = mark;
    if (mark < report_.last_position)
      add(problem_kind::position_watermark_behind, {}, 0, report_.last_position,
          "the high-water mark says " + std::to_string(mark) + " but the log reaches " +
              std::to_string(report_.last_position));
    return {};
  }

  result<void> scan_snapshots() {
    auto it = iterator(db_.snapshots);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto parts = split_stream_key(it->key().ToStringView());
      if (!parts) {
        add(problem_kind::malformed_key, {}, 0, 0, "a snapshot key is not stream|0x00|version");
        continue;
      }
      auto [stream, version] = *parts;
      ++report_.snapshots;
      auto payload = detail::unseal(it->value().ToStringView());
      if (!payload || payload->size() < 16 || detail::get_u64_be(*payload) > UINT32_MAX) {
        add(problem_kind::undecodable_snapshot, stream, version, 0,
            "snapshot fails its CRC32C or framing");
        continue;
      }
      auto highest = highest_version(stream);
      if (version > highest)
        add(problem_kind::snapshot_beyond_stream, stream, version, 0,
            "snapshot of version " + std::to_string(version) + " but the stream reaches " +
                std::to_string(highest));
      if (!options_.check_snapshot) continue;
      snapshot s{std::string(stream), version,
                 static_cast<std::uint32_t>(detail::get_u64_be(*payload)),
                 static_cast<std::int64_t>(detail::get_u64_be(payload->substr(8))),
                 std::string(payload->substr(16))};
      if (auto why = options_.check_snapshot(s))
        add(problem_kind::undecodable_snapshot, stream, version, 0, *why);
    }
    return failed(*it, "reading snapshots");
  }

  // The highest version of the stream seen anywhere (index, marker, and the log when it was
  // summarised per stream); 0 for a stream seen nowhere.
  std::uint64_t highest_version(std::string_view stream) const {
    std::uint64_t highest = 0;
    if (auto known = streams_.find(std::string(stream)); known != streams_.end())
      highest = known->second.highest;
    auto indexed =
        std::lower_bound(index_highest_.begin(), index_highest_.end(), stream,
                         [](auto& entry, std::string_view s) { return entry.first < s; });
    if (indexed != index_highest_.end() && indexed->first == stream)
      highest = std::max(highest, indexed->second);
    return highest;
  }

  result<void> check_kv() {
    if (!options_.check_kv) return {};
    kv_store kv(db_);
    auto found = options_.check_kv(kv, std::max(report_.last_position, watermark_));
    if (!found) return std::unexpected(std::move(found.error()));
    for (auto& p : *found) {
      ++report_.problem_count;
      if (report_.problems.size() < options_.max_problems) report_.problems.push_back(std::move(p));
    }
    return {};
  }

  // Node state in the kv store (saga deadlines, idempotency records): each record's CRC32C, what
  // its owner makes of it, and that the stream it belongs to exists.
  result<void> scan_kv_records() {
    if (!options_.check_kv_record) return {};
    auto it = iterator(db_.kv);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto key = it->key().ToStringView();
      auto payload = detail::unseal(it->value().ToStringView());
      auto verdict = options_.check_kv_record(key, payload);
      if (!verdict) continue;
      auto slot = no_slot;
      if (!payload)
        slot = add(problem_kind::corrupt_kv_record, verdict->stream, 0, 0,
                   "kv record fails its CRC32C");
      else if (verdict->problem)
        slot = add(problem_kind::unreadable_kv_record, verdict->stream, 0, 0, *verdict->problem);
      else if (!verdict->stream.empty() && highest_version(verdict->stream) == 0)
        slot = add(problem_kind::kv_record_without_stream, verdict->stream, 0, 0,
                   "the record belongs to a stream that has no events");
      if (slot != no_slot) report_.problems[slot].key = std::string(key);
    }
    return failed(*it, "reading the kv store");
  }

  detail::rocks& db_;
  const verify_options& options_;
  verify_report report_;
  std::unordered_map<std::string, stream_summary> streams_;
  std::map<std::uint64_t, std::size_t> damaged_;  // position -> its problem's slot
  // Journal-wide: readable log records and index entries, and their fingerprint sums.
  std::uint64_t log_entries_ = 0;
  std::uint64_t log_sum_ = 0;
  std::uint64_t index_entries_ = 0;
  std::uint64_t index_sum_ = 0;
  bool index_damaged_ = false;  // an index entry that could not be summed
  // Each stream of the index and its highest version there, in stream order.
  std::vector<std::pair<std::string, std::uint64_t>> index_highest_;
  std::uint64_t marked_index_streams_ = 0;  // streams of the index that have a marker
  bool by_stream_ = false;                  // the second pass ran: streams_ holds every stream
  std::string watermark_value_;
  bool has_watermark_ = false;
  std::uint64_t watermark_ = 0;  // the high-water mark, where readable
};

}  // namespace

result<verify_report> verify_directory(const std::string& path, const verify_options& options) {
  auto db = detail::open_exclusive(path, /*create_if_missing=*/false, /*read_only=*/true);
  if (!db) return std::unexpected(db.error());
  return verifier(**db, options).run();
}

}  // namespace ordo::persistence
