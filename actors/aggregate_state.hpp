// The state of aggregate_actor<D> (actors/aggregate.hpp): what one aggregate instance keeps in
// memory between messages.
#pragma once

#include <caf/all.hpp>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "actors/command_call.hpp"
#include "actors/context.hpp"
#include "actors/messages.hpp"
#include "domain/deciders.hpp"
#include "readmodel/aggregate_codec.hpp"
#include "readmodel/remembered_commands.hpp"

namespace ordo::actors {

// The remembered-command table lives with the snapshot codec in readmodel/ (replay decodes
// snapshots without CAF); the aggregates know it by these names.
using readmodel::command_origin;
using readmodel::decode_aggregate_snapshot;
using readmodel::encode_aggregate_snapshot;
using readmodel::legacy_command_id_hash;
using readmodel::legacy_remembered;
using readmodel::remembered_commands;
using readmodel::remembered_outcome;

// The journal's answer to one append, sent back to the aggregate by the journal's writer thread.
struct append_outcome {
  std::uint64_t epoch = 0;  // which append of this aggregate it answers
  persistence::result<persistence::append_result> result;
};

// The type of the one handler of an aggregate's behavior (actors/aggregate.hpp); never sent.
struct no_such_message {};

}  // namespace ordo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::append_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::no_such_message)

namespace ordo::actors {

// What an aggregate that schedules wake-ups or drives others keeps besides its state; nothing
// for the plain aggregates (order, stock, payment), which must stay small when idle.
template <class D>
struct process_state {};

template <class D>
requires domain::schedules_wake_ups<D> || domain::drives_others<D>
struct process_state<D> {
  // The wake-up the append in flight stores, to announce to the scheduler once it is durable.
  std::optional<deadline_update> deadline_to_announce;
  std::set<std::string> awaiting;  // command ids of actions sent, answer not yet in
  bool resend_scheduled = false;
  bool reported_busy = false;  // what the shard last heard: answers are awaited (not passivated)
};

}  // namespace ordo::actors

namespace ordo::actors {

// Where a command's reply goes: the caller of this node's gateway (its ticket: completed on this
// actor's thread), or a requester through CAF (a shard's delegate, a saga, another node).
struct reply_target {
  caf::typed_response_promise<command_reply> promise;
  reply_ticket ticket;

  void deliver(command_reply reply) {
    if (ticket)
      ticket.complete(std::move(reply));
    else
      promise.deliver(std::move(reply));
  }
};

template <domain::decider D>
struct aggregate_state {
  static inline const char* name = "ordo.aggregate";

  struct pending {
    command_envelope command;
    reply_target reply_to;
  };
  // A command decided into the append in flight, with the reply it gets once that is durable.
  struct deciding {
    reply_target reply_to;
    command_reply reply;
    std::string command_id;           // empty: nothing to remember (none, or a duplicate)
    std::uint64_t events_before = 0;  // events of earlier commands in the same append
    std::uint64_t event_count = 0;
    std::int64_t issued_at_ms = 0;
    // A repeat of an earlier command of the same append: it gets that command's reply.
    std::optional<std::size_t> same_as;
  };

  runtime_context* context = nullptr;
  shard_actor shard;
  std::string stream;  // "<type>-<id>"; the id is not kept twice (see id())
  typename D::state state{};
  std::uint64_t version = 0;
  std::uint64_t snapshot_version = 0;
  std::int64_t last_active_ms = 0;
  remembered_commands remembered;
  std::vector<pending> queue;       // waiting for the append in flight
  std::vector<deciding> in_flight;  // decided into the append in flight
  // The state once the append in flight is durable; only allocated while deciding or writing,
  // so that an idle aggregate carries one copy of its state, not two.
  std::unique_ptr<typename D::state> next_state;
  std::uint64_t next_version = 0;
  std::uint64_t epoch = 0;
  bool writing = false;
  bool passivating = false;
  [[no_unique_address]] process_state<D> process;

  std::string_view id() const { return std::string_view(stream).substr(D::type_name.size() + 1); }
};

template <domain::decider D>
using aggregate_ptr = caf::stateful_actor<aggregate_state<D>>*;

}  // namespace ordo::actors
