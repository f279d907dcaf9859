// The outcomes of an aggregate's recent commands, by full command id, so that a retried command
// gets the first answer instead of running twice. It lives in every aggregate, so it is one packed
// byte string (no allocation per entry) holding the newest `capacity` outcomes. Client entries
// (actors/command_ids.hpp) carry their time and are forgotten once older than the key TTL; the
// full reply of a client command is kept durably (actors/command_outcome_store.hpp), not here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/outcome.hpp"

namespace ordo::readmodel {

using domain::outcome;

// Persisted in snapshots: the values never change.
enum class command_origin : std::uint8_t {
  internal = 1,  // chosen by ordo (sagas, wake-ups): remembered while in the table
  client = 2,    // from an Idempotency-Key: remembered for the key TTL
};

struct remembered_outcome {
  std::string command_id;
  command_origin origin = command_origin::internal;
  outcome code = outcome::ok;  // persisted by value (domain/outcome.hpp)
  std::uint64_t version = 0;   // the aggregate's version after the command
  std::uint64_t position = 0;  // the global position of its last event (0: none)
  std::int64_t at_ms = 0;      // when the command was issued (client entries expire by it)
  bool operator==(const remembered_outcome&) const = default;
};

// The FNV-1a hash that snapshots before format 2 kept instead of the id
// (readmodel/aggregate_codec.hpp reads them); never used to match a command.
std::uint64_t legacy_command_id_hash(std::string_view id);

class remembered_commands {
 public:
  // At most 65535 entries.
  explicit remembered_commands(std::size_t capacity = 1000)
      : capacity_(static_cast<std::uint16_t>(std::min<std::size_t>(capacity, 0xffff))) {}

  // The newest outcome remembered for exactly `command_id`; nullopt when there is none, or when
  // it is a client entry issued `client_ttl_ms` or longer before `now_ms` (the key then runs
  // again as new).
  std::optional<remembered_outcome> find(std::string_view command_id, std::int64_t now_ms,
                                         std::int64_t client_ttl_ms) const;
  // Adds an outcome as the newest, dropping the oldest beyond capacity. An empty id or one longer
  // than 4096 bytes (ids are far shorter) is not remembered.
  void remember(const remembered_outcome& outcome);

  std::vector<remembered_outcome> entries() const;  // oldest first
  std::size_t size() const { return count_; }
  std::size_t capacity() const { return capacity_; }
  // Bytes held, for the tests that keep an idle aggregate small.
  std::size_t bytes_held() const { return packed_.capacity(); }
  // Gives back dropped records and spare capacity once more than half of what is held is unused
  // (an aggregate that goes idle calls it).
  void shrink();

  // The table as snapshots store it: a version tag, then the records oldest first.
  std::string encode() const;
  // Replaces the content with `bytes` (keeping the capacity); false, leaving it unchanged, when
  // the bytes are not a table this version can read.
  bool decode(std::string_view bytes);

 private:
  void drop_oldest();

  // 40 bytes and no allocation while empty, like the table of hashes it replaced.
  std::string packed_;       // records, oldest first, from start_
  std::uint32_t start_ = 0;  // bytes of dropped records not yet given back
  std::uint16_t capacity_;
  std::uint16_t count_ = 0;
};

}  // namespace ordo::readmodel
