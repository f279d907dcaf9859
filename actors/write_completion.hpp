// How the journal tells aggregates that their appends are durable: one message per shard and
// WriteBatch. The journal's writer thread is outside CAF, so each of its sends is an external
// enqueue that may have to wake a worker; it sends the shard the outcomes of all its aggregates'
// appends of one batch at once, and the shard tells each aggregate with a send between actors.
#pragma once

#include <caf/all.hpp>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "actors/context.hpp"
#include "persistence/journal.hpp"

namespace ordo::actors {

// The outcomes of a shard's appends in one WriteBatch, each with its aggregate_append token
// (shared: a CAF message must be copyable, and the tokens are not).

// What an aggregate's append carries through the journal: who gets the outcome, and for which of
// its appends.
struct aggregate_append final : persistence::append_token {
  aggregate_append(caf::actor aggregate, std::uint64_t epoch)
      : aggregate(std::move(aggregate)), epoch(epoch) {}
  caf::actor aggregate;
  std::uint64_t epoch;
};

// The completion group of `shard`: sends it each batch's outcomes as one written_batch.
std::shared_ptr<persistence::append_group> make_shard_completion(shard_actor shard);

// Appends for `aggregate`, the aggregate of (type, id). Its outcome reaches it as
// (written_atom, append_outcome{epoch, ...}) through its shard, after the batch is durable.
// REQUIRES: context.write_completions has one group per shard (the runtime sets them).
void append_for_aggregate(runtime_context& context, std::string_view type, std::string_view id,
                          const caf::actor& aggregate, std::uint64_t epoch,
                          persistence::append_request request);

// The shard's part: hands each aggregate its outcome. An aggregate that stopped meanwhile gets
// nothing (its successor is another actor, which never sees its predecessor's outcome).
void deliver_written(const written_batch& batch);

}  // namespace ordo::actors
