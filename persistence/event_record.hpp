// The journal's unit of storage: opaque event bytes plus the metadata every event store keeps.
#pragma once

#include <cstdint>
#include <string>

namespace ordo::persistence {

// What an appender hands to the journal. The journal never looks inside `data`.
struct event_data {
  std::string type;             // e.g. "ItemAdded"
  std::uint32_t schema_version = 1;
  std::int64_t timestamp_ms = 0;  // when the command was decided, ms since the Unix epoch
  std::string command_id;
  std::string correlation_id;
  std::string causation_id;
  std::string data;             // the encoded payload (JSON text for ordo's domain)
  bool operator==(const event_data&) const = default;
};

// An event as the journal returns it: where it lives in its stream and in the node's log.
struct recorded_event : event_data {
  std::string stream;
  std::uint64_t version = 0;   // 1, 2, 3, ... per stream
  std::uint64_t position = 0;  // node-wide, 1, 2, 3, ... in commit order
  bool operator==(const recorded_event&) const = default;
};

}  // namespace ordo::persistence
