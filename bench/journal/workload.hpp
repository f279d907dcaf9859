// The journal benchmark's workload: realistic events, and a closed-loop driver that keeps one
// append in flight per stream against ordo's journal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/journal.hpp"

namespace ordo::bench {

// The constant parts of every event: a ~200-byte JSON payload and UUID-sized ids.
struct event_shape {
  std::string type = "ItemAdded";
  std::string payload;
  std::string command_id;      // 36 chars; the last 12 hex digits are patched per event
  std::string correlation_id;  // 36 chars
  std::string causation_id;    // 36 chars
};

event_shape make_shape(std::size_t payload_bytes);
std::string stream_name(std::size_t index);  // "order-00000042"
persistence::event_data make_event(const event_shape& shape, std::uint64_t unique);

// The size of the record the journal stores in `positions` for one such event (its encoding:
// format byte, length-prefixed strings, u64 version/position/timestamp, varint schema, CRC32C).
std::size_t journal_record_bytes(const event_shape& shape, std::string_view stream);

// A value of exactly `bytes` bytes that carries the payload and ids, for the raw baselines.
std::string raw_value(const event_shape& shape, std::size_t bytes);

struct stream_spec {
  std::string name;
  std::uint64_t events = 0;
  std::uint32_t per_append = 1;  // events per append request
};

enum class driver_mode {
  callback,  // the next append of a stream is issued from the previous one's callback
  thread,    // the callback hands the stream to one driver thread, which issues the next append
};

struct drive_result {
  std::uint64_t events = 0;   // events durably appended
  std::uint64_t appends = 0;  // successful append requests
  std::uint64_t batches = 0;  // WriteBatches the journal used
  std::uint64_t failures = 0;
  std::string first_error;
  double seconds = 0;
};

// Appends every stream's events, one request in flight per stream, each with
// expected_version::exact(version so far). Returns once the last append is durable.
drive_result drive(persistence::journal& journal, const std::vector<stream_spec>& streams,
                   const event_shape& shape, driver_mode mode);

}  // namespace ordo::bench
