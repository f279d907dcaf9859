// The `streams` column family: per-stream truncation markers and the node's position high-water
// mark, so neither the highest version nor the next position can go backwards after a truncation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "persistence/detail/rocks.hpp"
#include "persistence/result.hpp"

namespace ordo::persistence::detail {

// Reserved key in `streams` (no stream id is empty) holding the last committed position.
inline constexpr std::string_view last_position_key{};

struct truncation_marker {
  std::uint64_t truncated_before = 0;  // versions below this were deleted on purpose
  std::uint64_t highest_version = 0;   // the stream's highest version when it was truncated
};

std::string encode_marker(const truncation_marker& m);
result<std::optional<truncation_marker>> read_marker(rocks& db, std::string_view stream,
                                                     const rocksdb::Snapshot* snapshot = nullptr);

// The highest version in the index for `stream` (0 if none), ignoring truncation markers.
result<std::uint64_t> highest_indexed_version(rocks& db, std::string_view stream,
                                              const rocksdb::Snapshot* snapshot = nullptr);

// highest_indexed_version combined with the truncation marker: the value appends build on.
result<std::uint64_t> stream_highest_version(rocks& db, std::string_view stream,
                                             const rocksdb::Snapshot* snapshot = nullptr);

// The log's last key (0 for an empty log).
result<std::uint64_t> last_log_position(rocks& db);

// The last committed position: the higher of the stored high-water mark and the log's last key;
// the log's last key when the mark is missing. An unreadable mark is a `corrupt` error.
result<std::uint64_t> load_last_position(rocks& db);

}  // namespace ordo::persistence::detail
