// Reads the journal one batch ahead on a second thread, for an offline rebuild: while the caller
// folds batch n into its rows, batch n + 1 is being read from the log and its events decoded, so
// that a rebuild takes about as long as the slower of the two instead of their sum.
//
// The hand-off is a future per batch (no shared state besides the batch handed over), and the
// two batch buffers are reused, so that reading allocates almost nothing per event; what the
// caller's batch held is released on the reading thread too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <span>
#include <vector>

#include "persistence/event_record.hpp"
#include "persistence/journal.hpp"
#include "readmodel/decoded_event.hpp"

namespace ordo::readmodel {

// Whether the reading thread decodes an order event ahead (decoded_event::order_event), so that
// the caller's thread finds it decoded. Called on the reading thread: it must depend on the
// event alone. Only asked about events of order streams.
using decode_ahead_fn = std::function<bool(const persistence::recorded_event&)>;

class journal_prefetch {
 public:
  // Starts reading the first batch (events with position >= from_position). REQUIRES:
  // `journal` outlives the prefetch; batch_events > 0. Without `decode_ahead`, no event is
  // decoded ahead (each is decoded where it is first asked for).
  journal_prefetch(const persistence::journal& journal, std::uint64_t from_position,
                   std::size_t batch_events, decode_ahead_fn decode_ahead = {});
  // Waits for the read in flight, if any.
  ~journal_prefetch();
  journal_prefetch(const journal_prefetch&) = delete;
  journal_prefetch& operator=(const journal_prefetch&) = delete;

  // The next batch in position order, at most batch_events long; a shorter one is the last
  // (the journal's end as of its read), after which next() gives empty batches. Valid until the
  // next call. Starts the read of the batch after it before returning. A decode that failed is
  // not a failure of next(): it is the event's order_event(), for the view that asks for it.
  persistence::result<std::span<const decoded_event>> next();

 private:
  struct batch {
    std::vector<persistence::recorded_event> events;
    std::vector<decoded_event> decoded;  // refers to `events`
  };
  struct read_result {
    batch read;
    persistence::result<void> status;
  };
  void start_read(std::uint64_t from_position);

  const persistence::journal& journal_;
  std::size_t batch_events_;
  decode_ahead_fn decode_ahead_;
  std::future<read_result> reading_;  // valid while a read is in flight
  batch current_;                     // the batch handed out last
  batch spare_;                       // storage for the next read
};

}  // namespace ordo::readmodel
