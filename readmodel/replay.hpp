// Replay: an aggregate's state as of a past version or time, folded from the journal (and the
// newest snapshot within the bound). Plain C++ over persistence and domain (no CAF), the one
// implementation behind the offline `ordo replay STREAM` and GET /v1/orders/{id}/history.
// Projections are rebuilt by readmodel/projection_rebuild.hpp.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "persistence/database.hpp"

namespace ordo::readmodel {

// At most one of the two is set; neither: the latest state.
struct replay_bound {
  std::optional<std::uint64_t> version;  // the state after this version
  std::optional<domain::timestamp> at;   // the state after the last event at or before this time
};

struct replay_options {
  bool use_snapshots = true;  // start from the newest readable snapshot within the bound
  bool keep_events = false;   // return the events folded (those after the snapshot)
};

struct replayed_aggregate {
  nlohmann::json state;  // the aggregate's JSON (as the API shows it) with "version"
  std::uint64_t version = 0;
  std::uint64_t snapshot_version = 0;  // 0: folded from the first event
  std::uint64_t events_folded = 0;
  std::vector<persistence::recorded_event> events;  // with keep_events
};

enum class replay_errc {
  unknown_stream,      // no event was ever written to the stream
  unsupported_stream,  // not a stream of an aggregate type that has a decider
  not_at_bound,        // the aggregate did not exist at the bound, or has no such version
  truncated,           // the events up to the bound were truncated and no snapshot covers them
  undecodable,         // an event its decider cannot decode
  storage,             // the journal failed (I/O, corrupt record)
};

std::string_view to_string(replay_errc code);

struct replay_error {
  replay_errc code;
  std::string message;
  std::string stream;
  std::uint64_t version = 0;  // undecodable, storage: the event concerned, where known
};

template <class T>
using replay_result = std::expected<T, replay_error>;

// The state of `stream` at `bound`, folded by its decider through the upcasters, from the newest
// snapshot at or below the bound (version <= bound.version, taken at or before bound.at) whose
// bytes the decider can load; unreadable snapshots are skipped.
replay_result<replayed_aggregate> replay_aggregate(persistence::database& db,
                                                   std::string_view stream,
                                                   const replay_bound& bound,
                                                   const replay_options& options = {});

// Why the decider of the snapshot's stream cannot load it, or nullopt (also for streams of no
// known aggregate type). For `verify`.
std::optional<std::string> snapshot_problem(const persistence::snapshot& snapshot);

// Why the decider of the event's stream cannot decode it, or nullopt. For `verify`.
std::optional<std::string> event_problem(const persistence::recorded_event& event);

}  // namespace ordo::readmodel
