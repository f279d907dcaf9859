// Snapshots of aggregate state, keyed by stream and version (column family `snapshots`).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "persistence/result.hpp"

namespace ordo::persistence {

namespace detail {
struct rocks;
}

struct snapshot {
  std::string stream;
  std::uint64_t version = 0;       // the stream version the state reflects
  std::uint32_t schema = 1;        // the snapshot format version of the aggregate type
  std::int64_t timestamp_ms = 0;   // when it was taken
  std::string bytes;
  bool operator==(const snapshot&) const = default;
};

// Which snapshots a query considers: version <= max_version and timestamp <= max_timestamp_ms.
struct snapshot_criteria {
  std::uint64_t max_version = std::numeric_limits<std::uint64_t>::max();
  std::int64_t max_timestamp_ms = std::numeric_limits<std::int64_t>::max();
};

// Thread-safe.
class snapshot_store {
 public:
  explicit snapshot_store(detail::rocks& db) : db_(db) {}

  // Saves (or overwrites) the snapshot at its version.
  result<void> save(const snapshot& s);

  // The newest snapshot that meets the criteria, or none. A corrupt record is an error naming
  // its stream and version; callers may retry with max_version below it to fall back.
  result<std::optional<snapshot>> load_latest(std::string_view stream,
                                              const snapshot_criteria& criteria = {}) const;

  result<void> remove(std::string_view stream, std::uint64_t version);
  result<void> remove_matching(std::string_view stream, const snapshot_criteria& criteria);

  // Keeps the newest `keep` snapshots of the stream and deletes the rest.
  result<void> keep_latest(std::string_view stream, std::size_t keep);

 private:
  detail::rocks& db_;
};

}  // namespace ordo::persistence
