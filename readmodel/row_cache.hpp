// Decoded rows that a projection keeps in memory between batches, so that folding an event costs
// neither a store read nor a JSON parse, and a row that many events of a batch change is encoded
// once per batch.
//
// The cache is a copy of the projection's rows as its last apply() left them, never anything
// else: only the projection writes under its prefix, and it drops the whole cache (forget())
// whenever a batch is not committed or its rows are cleared (see projection::forget).
//
// Memory: two generations of entries. When the young one reaches `generation_rows` at the end of
// a batch it becomes the old one and the old one is dropped; a hit in the old one moves the entry
// back to the young one. So at most 2 × generation_rows entries plus the rows of one batch stay,
// and the rows used recently stay with them (an approximate LRU without per-hit bookkeeping).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "persistence/result.hpp"
#include "readmodel/projection.hpp"

namespace ordo::readmodel {

inline constexpr std::size_t default_generation_rows = 1 << 15;

// Where a row that is not kept in memory comes from.
enum class row_source {
  store,  // read it through the batch: its pending writes, then the store
  none,   // there is none, without a read: see row_source_of
};

// A stream's first event (version 1) finds no stored row of its stream: events are applied
// exactly once and in position order (the checkpoint), and all other events of the stream come
// after it, so nothing of the stream was applied, hence stored, before it. Rows of every other
// event are read. (Most rows a rebuild creates are new: this saves a store lookup for each.)
inline row_source row_source_of(const persistence::recorded_event& e) {
  return e.version == 1 ? row_source::none : row_source::store;
}

template <class Row>
class row_cache {
  struct entry {
    Row row{};
    bool changed = false;
  };
  struct id_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  using generation = std::unordered_map<std::string, entry, id_hash, std::equal_to<>>;
  using slot = typename generation::value_type;

 public:
  // Reads a stored row back; `key` only names the row in errors.
  using decode_fn = persistence::result<Row> (*)(std::string_view key, std::string_view bytes);

  // Row `id` is stored under prefix + id.
  row_cache(std::string prefix, decode_fn decode,
            std::size_t generation_rows = default_generation_rows)
      : prefix_(std::move(prefix)), decode_(decode), generation_rows_(generation_rows) {
    young_.reserve(generation_rows_);
  }

  // A row found in the cache. Valid until the next write_changed() or forget().
  class ref {
   public:
    Row& operator*() const { return slot_->second.row; }
    Row* operator->() const { return &slot_->second.row; }
    // The row differs from what is stored: write_changed() hands it out.
    void changed() {
      if (slot_->second.changed) return;
      slot_->second.changed = true;
      cache_->changed_.push_back(slot_);
    }

   private:
    friend class row_cache;
    ref(row_cache* cache, slot* s) : cache_(cache), slot_(s) {}
    row_cache* cache_;
    slot* slot_;
  };

  std::string key(std::string_view id) const { return std::string(prefix_).append(id); }

  // Row `id` as this batch leaves it: from memory, else from `source` (read through `rows` and
  // decoded); Row{} when there is no such row.
  persistence::result<ref> find(const row_batch& rows, std::string_view id,
                                row_source source = row_source::store) {
    if (auto it = young_.find(id); it != young_.end()) return ref(this, &*it);
    if (auto it = old_.find(id); it != old_.end()) {
      auto moved = young_.insert(old_.extract(it));  // nodes keep their address
      return ref(this, &*moved.position);
    }
    if (source == row_source::none)
      return ref(this, &*young_.emplace(std::string(id), entry{}).first);
    auto row_key = key(id);
    auto bytes = rows.get(row_key);
    if (!bytes) return std::unexpected(std::move(bytes.error()));
    entry loaded;
    if (*bytes) {
      auto decoded = decode_(row_key, **bytes);
      if (!decoded) return std::unexpected(std::move(decoded.error()));
      loaded.row = std::move(*decoded);
    }
    auto inserted = young_.emplace(std::string(id), std::move(loaded));
    return ref(this, &*inserted.first);
  }

  // Calls write(key, id, row) for every row changed since the last call (in the order they first
  // changed), marks them unchanged, then lets the young generation age if it is full.
  template <class Write>
  void write_changed(Write&& write) {
    std::string row_key = prefix_;
    for (slot* s : changed_) {
      row_key.resize(prefix_.size());
      row_key.append(s->first);
      write(std::string_view(row_key), std::string_view(s->first), std::as_const(s->second.row));
      s->second.changed = false;
    }
    changed_.clear();
    if (young_.size() >= generation_rows_) {
      old_ = std::move(young_);
      young_ = generation();
      young_.reserve(generation_rows_);
    }
  }

  // Drops every row kept, changed or not.
  void forget() {
    young_.clear();
    old_.clear();
    changed_.clear();
  }

  std::size_t size() const { return young_.size() + old_.size(); }

 private:
  std::string prefix_;
  decode_fn decode_;
  std::size_t generation_rows_;
  generation young_;
  generation old_;
  std::vector<slot*> changed_;
};

}  // namespace ordo::readmodel
