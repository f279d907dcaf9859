// A projection: plain C++ that folds committed events into read-model rows in the kv store.
//
// A projection knows no CAF. The projector (actors/projector.hpp) feeds it events in position
// order and commits what it produced together with its checkpoint (and those of the other views
// it runs) in one WriteBatch,
// so that every event is applied exactly once across crashes. All rows of a projection live
// under "view/<name>/" (its row_prefix), so that a rebuild can delete them with one prefix scan;
// its checkpoint lives under "checkpoint/<name>".
#pragma once

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "persistence/event_record.hpp"
#include "persistence/kv_store.hpp"
#include "persistence/result.hpp"
#include "readmodel/decoded_event.hpp"

namespace ordo::readmodel {

// The rows one apply() produces. Reads go through the pending writes of this batch, so a row that
// an earlier event of the batch changed is read back changed, then through the writes of an
// earlier batch that are still being written (a rebuild writes one batch while it applies the
// next), then the store; nothing reaches the store until the caller commits take_writes().
class row_batch {
 public:
  // REQUIRES: `kv` outlives the batch. Every key written must start with `prefix`.
  // `being_written`: an earlier batch's writes in key order (take_writes), not yet in `kv`;
  // REQUIRES: it outlives the batch and does not change meanwhile.
  row_batch(const persistence::kv_store& kv, std::string_view prefix,
            std::span<const persistence::kv_write> being_written = {})
      : kv_(kv), prefix_(prefix), being_written_(being_written) {}
  // The same with an earlier batch as a whole being written (copy_writes), its pending writes
  // read in place. REQUIRES: `being_written` outlives this batch's reads and does not change
  // meanwhile (it is only read, so other threads may read it too).
  row_batch(const persistence::kv_store& kv, std::string_view prefix,
            const row_batch* being_written)
      : kv_(kv), prefix_(prefix), earlier_batch_(being_written) {}

  // The row as this batch leaves it: the pending write if there is one, else the one being
  // written, else the stored row.
  persistence::result<std::optional<std::string>> get(std::string_view key) const {
    if (auto it = pending_.find(key); it != pending_.end()) return it->second;
    if (earlier_batch_) {
      if (auto it = earlier_batch_->pending_.find(key); it != earlier_batch_->pending_.end())
        return it->second;
    }
    auto earlier = std::ranges::lower_bound(
        being_written_, key, std::less<>{},
        [](const persistence::kv_write& w) -> std::string_view { return w.key; });
    if (earlier != being_written_.end() && earlier->key == key) return earlier->value;
    return kv_.get(key);
  }

  void put(std::string_view key, std::string value) {
    assert(key.starts_with(prefix_) && "a projection writes only under its row prefix");
    pending_.insert_or_assign(std::string(key), std::optional<std::string>(std::move(value)));
  }

  void erase(std::string_view key) {
    assert(key.starts_with(prefix_) && "a projection writes only under its row prefix");
    pending_.insert_or_assign(std::string(key), std::nullopt);
  }

  bool empty() const { return pending_.empty(); }

  // The last write of each key, in key order; leaves the batch empty.
  std::vector<persistence::kv_write> take_writes() {
    std::vector<persistence::kv_write> writes;
    writes.reserve(pending_.size());
    while (!pending_.empty()) {
      auto node = pending_.extract(pending_.begin());  // the key moves out instead of a copy
      writes.push_back({std::move(node.key()), std::move(node.mapped())});
    }
    return writes;
  }

  // The last write of each key, in key order, copied: the batch is left as it is (and may be
  // read meanwhile, see the constructor).
  std::vector<persistence::kv_write> copy_writes() const {
    std::vector<persistence::kv_write> writes;
    writes.reserve(pending_.size());
    for (auto& [key, value] : pending_) writes.push_back({key, value});
    return writes;
  }

 private:
  const persistence::kv_store& kv_;
  std::string prefix_;
  std::map<std::string, std::optional<std::string>, std::less<>> pending_;
  std::span<const persistence::kv_write> being_written_;
  const row_batch* earlier_batch_ = nullptr;
};

class projection {
 public:
  virtual ~projection() = default;

  // A short stable name: "order_summary". It names the rows, the checkpoint and the actor.
  virtual std::string_view name() const = 0;
  // "view/<name>/": every row this projection writes starts with it.
  virtual std::string_view row_prefix() const = 0;

  // Folds `events` (in position order, none applied before) into `rows`. A failure leaves the
  // store untouched (the caller drops `rows`), so the same events can be applied again later.
  // Everything a projection knows is in its rows; it may keep some of them decoded in memory
  // (row_cache) as long as they are exactly its rows as its last apply() left them. The events
  // are shared with the other views of the batch: each is decoded once for all of them.
  virtual persistence::result<void> apply(std::span<const decoded_event> events,
                                          row_batch& rows) = 0;

  // Whether apply() asks for this event's order_event() (REQUIRES: the event is of an order
  // stream). A rebuild decodes those ahead on its reading thread; the others stay undecoded
  // unless apply() asks after all (the answer only moves work, it changes no row). Called on
  // another thread than apply(): it must depend on the event alone.
  virtual bool decodes_order_event(const persistence::recorded_event&) const { return false; }

  // True when the rows stored under row_prefix() are in a format this code no longer writes
  // (a data directory of an earlier version): the projector rebuilds the view on start.
  virtual persistence::result<bool> needs_rebuild(const persistence::kv_store&) const {
    return false;
  }

  // Drops every row kept in memory. Called when the rows of an apply() are not committed (a
  // failed apply or write) and when the rows are cleared, so that what is kept is never stale.
  virtual void forget() {}

  // What it retries apart from its batches (the saga trigger's parked sagas), one line each, for
  // inspection; empty for a plain read model.
  virtual std::vector<std::string> retrying() const { return {}; }
};

inline std::string checkpoint_key(std::string_view projection_name) {
  return "checkpoint/" + std::string(projection_name);
}

// Where a projection stands. `clearing`: a node of an earlier version was deleting the rows in
// chunks for a rebuild when it stopped; the rows must be cleared before anything is applied again.
// (Clearing is one atomic range delete now, so nothing writes the marker any more.)
struct checkpoint {
  std::uint64_t position = 0;  // the last position applied; 0: nothing applied
  bool clearing = false;
  bool operator==(const checkpoint&) const = default;
};

// The checkpoint value of a rebuild interrupted while clearing (see checkpoint::clearing).
inline constexpr std::string_view clearing_marker = "clearing";

// The checkpoint is the position as decimal text, so that an operator can read it in a dump.
inline persistence::result<checkpoint> load_checkpoint(const persistence::kv_store& kv,
                                                       std::string_view projection_name) {
  auto key = checkpoint_key(projection_name);
  auto value = kv.get(key);
  if (!value) return std::unexpected(std::move(value.error()));
  if (!*value) return checkpoint{};
  const std::string& text = **value;
  if (text == clearing_marker) return checkpoint{0, true};
  std::uint64_t position = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), position);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    return persistence::storage_failure(persistence::storage_errc::corrupt,
                                        "unreadable checkpoint under " + key + ": " + text);
  return checkpoint{position, false};
}

inline persistence::kv_write checkpoint_write(std::string_view projection_name,
                                              std::uint64_t position) {
  return {checkpoint_key(projection_name), std::to_string(position)};
}

// A view and the last position it has applied, as a batch for several views takes them.
struct view_cursor {
  projection* view = nullptr;
  std::uint64_t after = 0;
};

// What applying a batch to several views produced: every view's rows and every new checkpoint,
// in key order, for one atomic write.
struct applied_batch {
  std::vector<persistence::kv_write> writes;
  // Per view, in the order given: the new checkpoint (`after` when no event was newer, or when
  // the view failed), and why it failed. A failed view has forgotten its rows in memory and
  // contributes no writes; the others are not held back by it.
  std::vector<std::uint64_t> positions;
  std::vector<std::optional<persistence::storage_error>> failures;
  // The writes in key order: a later batch's being_written (see row_batch). The checkpoints among
  // them are never read by a view, which reads only under its own row prefix.
  std::span<const persistence::kv_write> rows() const { return writes; }
};

// Applies `events` (in position order, each decoded once for every view) to each view after its
// own position: a view skips what it has applied (a retried fetch, or a view further ahead), so
// nothing is applied twice. `being_written`: see row_batch.
persistence::result<applied_batch> apply_batch(
    std::span<const view_cursor> views, const persistence::kv_store& kv,
    std::span<const decoded_event> events,
    std::span<const persistence::kv_write> being_written = {});

// One view's batch from recorded events (decodes them); the view's failure is the result's.
persistence::result<applied_batch> apply_batch(
    projection& view, const persistence::kv_store& kv,
    std::span<const persistence::recorded_event> events, std::uint64_t after,
    std::span<const persistence::kv_write> being_written = {});

// How a batch of view rows and checkpoints is written.
enum class view_logging {
  // Without the write-ahead log (kv_store::write_without_wal). Rows and checkpoints are in one
  // batch, so a crash loses them together and the events are applied again from the journal.
  // A checkpoint is never ahead of its rows: the only write that stores a checkpoint is the one
  // that stores its rows, and RocksDB keeps or loses a WriteBatch whole (one memtable; memtables
  // of a column family reach disk oldest first). Nor ahead of the journal: a view applies only
  // events the journal committed before, with the WAL, which a kill -9 does not lose (the kernel
  // has it), and a flush of the kv memtable syncs the closed WAL files first (RocksDB does so
  // when the database has more than one column family), so no stored checkpoint points past
  // the journal after a power loss either. Writes with the WAL in the same column family
  // (idempotency records, deadlines, clearing a view) are recovered from the WAL as before.
  no_wal,
  // With the WAL, not synced: what the saga trigger's parked commands keep (they are work to do,
  // not a copy of the journal).
  wal,
};

persistence::result<void> commit_batch(persistence::kv_store& kv, const applied_batch& batch,
                                       view_logging logging);

// Applies the events of `events` after position `after` to one view and commits its rows
// together with the new checkpoint in one atomic write (see view_logging). Returns the new
// checkpoint (`after` when no event was newer). On failure nothing was written.
persistence::result<std::uint64_t> apply_and_commit(
    projection& view, persistence::kv_store& kv,
    std::span<const persistence::recorded_event> events, std::uint64_t after,
    view_logging logging = view_logging::no_wal);

}  // namespace ordo::readmodel
