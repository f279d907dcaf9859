// Errors of the storage layer: values with a code, a message and where it happened.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace ordo::persistence {

enum class storage_errc {
  wrong_expected_version,  // append: the stream is not at the expected version (see actual_version)
  corrupt,                 // a record failed its CRC32C or framing check
  io_error,                // RocksDB refused the write: nothing of it was written, now or later
  outcome_unknown,         // the write failed after its bytes may have reached the log (a failed
                           // sync): it may be durable and reappear after a restart
  invalid_argument,        // a malformed stream id, key or request
  busy,                    // the data directory is held by another process
  closed,                  // the database is shutting down
};

std::string_view to_string(storage_errc code);

struct storage_error {
  storage_errc code;
  std::string message;
  std::string stream;               // where known: the stream the failure concerns
  std::uint64_t version = 0;        // where known: the version of the bad record
  std::uint64_t position = 0;       // where known: the global position of the bad record
  std::uint64_t actual_version = 0; // wrong_expected_version: the stream's current version
};

template <class T>
using result = std::expected<T, storage_error>;

inline std::unexpected<storage_error> storage_failure(storage_errc code, std::string message) {
  return std::unexpected(storage_error{code, std::move(message)});
}

}  // namespace ordo::persistence
