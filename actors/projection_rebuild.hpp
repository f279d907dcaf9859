// Clearing a projection's rows and folding the journal into them, one bounded step at a time.
// The one implementation behind both rebuilds: the offline `ordo replay --projection` runs the
// steps in a loop (rebuild_projection), the projection actor runs one step per message, so that
// it keeps answering queries and awaits while commands go on appending. Plain C++, no CAF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "actors/projection.hpp"
#include "persistence/database.hpp"

namespace ordo::actors {

// Deletes up to `max_rows` of the projection's rows after key `cleared_up_to` (empty: from the
// first; the step sets it to the last key it deleted, so that the next step does not scan past
// the deleted ones again) and makes the projection forget the rows it keeps in memory. The
// checkpoint says "clearing" until the last row is gone, then it is removed, so that a crash
// midway resumes the clearing instead of applying events onto half-deleted rows. Returns true
// once nothing is left.
persistence::result<bool> clear_projection_step(persistence::kv_store& kv, projection& view,
                                                std::string& cleared_up_to,
                                                std::size_t max_rows = 1000);

struct journal_step {
  std::uint64_t events = 0;    // events read from the journal
  std::uint64_t position = 0;  // the checkpoint after the step
  bool caught_up = false;      // fewer than the most asked for were left: the end is reached
};

// Reads up to `max_events` events after position `after` from the journal and applies them,
// committing the rows and the new checkpoint in one write (apply_and_commit). On failure nothing
// was written and the checkpoint is still `after`.
persistence::result<journal_step> apply_journal_step(const persistence::journal& journal,
                                                     persistence::kv_store& kv, projection& view,
                                                     std::uint64_t after, std::size_t max_events);

struct rebuild_progress {
  std::uint64_t events = 0;         // events applied so far
  std::uint64_t position = 0;       // the checkpoint so far
  std::uint64_t last_position = 0;  // the journal's last position when the rebuild started
};

// The events per step of an offline rebuild: large batches mean few writes of each row (rows
// are encoded once per batch), at the cost of memory for the batch's events and rows.
inline constexpr std::size_t rebuild_batch_events = 1 << 15;

// Rebuilds the projection from position 0: clears its rows, then applies the whole journal in
// steps of `batch_events`, each committing rows and checkpoint together (a node that starts
// after an interrupted rebuild goes on from that checkpoint). `on_progress` is called after each
// step.
persistence::result<rebuild_progress> rebuild_projection(
    persistence::database& db, projection& view,
    const std::function<void(const rebuild_progress&)>& on_progress = {},
    std::size_t batch_events = rebuild_batch_events);

}  // namespace ordo::actors
