// Clearing a projection's rows and folding the journal into them, one bounded step at a time.
// The one implementation behind both rebuilds: the offline `ordo replay --projection` runs the
// steps in a loop (rebuild_projection), the projection actor runs one step per message, so that
// it keeps answering queries and awaits while commands go on appending. Plain C++, no CAF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "persistence/database.hpp"
#include "readmodel/projection.hpp"

namespace ordo::readmodel {

// Deletes every row of the projection and its checkpoint in one atomic write (a range
// tombstone: as quick for millions of rows as for none), and makes the projection forget the
// rows it keeps in memory. Afterwards the projection starts from position 0. A checkpoint that
// still says "clearing" (written by nodes that cleared rows in chunks) is removed with them.
persistence::result<void> clear_projection(persistence::kv_store& kv, projection& view);

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

// The events per step of an offline rebuild: each step's rows and checkpoint are ingested as one
// sorted file, so large steps mean few files (each costs a sync and a manifest write) and few
// writes of each row, at the cost of memory for one step's rows being applied and one step's
// being ingested.
inline constexpr std::size_t rebuild_batch_events = 1 << 19;
// The most events read (and decoded) ahead of the step being applied.
inline constexpr std::size_t rebuild_read_events = 1 << 15;

// Rebuilds the projection from position 0: clears its rows, then applies the whole journal in
// steps of `batch_events`, each committing rows and checkpoint together as one ingested file
// (kv_store::ingest_sorted: durable, and never a checkpoint without its rows; a node that starts
// after an interrupted rebuild goes on from that checkpoint). The journal is read and decoded
// ahead in pieces of at most rebuild_read_events, and each step's rows are ingested while the
// next step is applied, on two more threads. `on_progress` is called after each step's write.
persistence::result<rebuild_progress> rebuild_projection(
    persistence::database& db, projection& view,
    const std::function<void(const rebuild_progress&)>& on_progress = {},
    std::size_t batch_events = rebuild_batch_events);

}  // namespace ordo::readmodel
