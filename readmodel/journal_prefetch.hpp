// Reads the journal one batch ahead on a second thread, for an offline rebuild: while the caller
// folds batch n into its rows, batch n + 1 is being read and decoded from the log, so that a
// rebuild takes about as long as the slower of the two instead of their sum.
//
// The hand-off is a future per batch (no shared state besides the batch handed over), and the
// two batch buffers are reused, so that reading allocates almost nothing per event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <future>
#include <span>
#include <vector>

#include "persistence/event_record.hpp"
#include "persistence/journal.hpp"

namespace ordo::readmodel {

class journal_prefetch {
 public:
  // Starts reading the first batch (events with position >= from_position). REQUIRES:
  // `journal` outlives the prefetch; batch_events > 0.
  journal_prefetch(const persistence::journal& journal, std::uint64_t from_position,
                   std::size_t batch_events);
  // Waits for the read in flight, if any.
  ~journal_prefetch();
  journal_prefetch(const journal_prefetch&) = delete;
  journal_prefetch& operator=(const journal_prefetch&) = delete;

  // The next batch in position order, at most batch_events long; a shorter one is the last
  // (the journal's end as of its read), after which next() gives empty batches. Valid until the
  // next call. Starts the read of the batch after it before returning.
  persistence::result<std::span<const persistence::recorded_event>> next();

 private:
  using batch = std::vector<persistence::recorded_event>;
  struct read_result {
    batch events;
    persistence::result<void> status;
  };
  void start_read(std::uint64_t from_position);

  const persistence::journal& journal_;
  std::size_t batch_events_;
  std::future<read_result> reading_;  // valid while a read is in flight
  batch current_;                     // the batch handed out last
  batch spare_;                       // storage for the next read
};

}  // namespace ordo::readmodel
