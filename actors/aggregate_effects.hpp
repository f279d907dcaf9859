// What aggregate_actor<D> does beyond its own stream, for deciders that ask for it
// (domain/deciders.hpp): durable wake-ups (schedules_wake_ups) and commands to other aggregates
// (drives_others). For plain aggregates every function here compiles to nothing.
//
// Wake-ups: when a batch changes D::wake_up(state), the new deadline (or its removal) is written
// in the same WriteBatch as the events, and announced to the deadline scheduler once durable.
// Actions: after recovery and after every durable batch the actor sends D::next_actions(state)
// that are not already awaiting an answer; each answer goes through D::interpret and comes back
// as a command to the actor itself, so that what the saga learnt is journaled before it acts on
// it. Transient answers (unavailable, overloaded, no answer) make it send again a little later;
// the durable step deadline covers anything lost with a crash.
// Busy: while answers are awaited (or a resend is due) the actor must not stop, or the answers go
// to nobody and the step runs into its deadline. It tells its shard (busy_atom), which then
// passivates it neither for idleness nor for room, and it refuses a passivation that crossed that
// message.
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "actors/aggregate_state.hpp"
#include "actors/command_ids.hpp"
#include "actors/deadline_store.hpp"
#include "actors/outgoing_envelope.hpp"
#include "actors/shard.hpp"

namespace ordo::actors::detail {

// The target's status after a command: from the state in the reply (replies to repeated
// commands carry the current state), else from an invalid_state error; empty when unknown.
inline std::string status_of(const command_reply& reply) {
  if (reply.state.empty()) return reply.status;
  auto json = nlohmann::json::parse(reply.state, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return {};
  auto it = json.find("status");
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// In pump(), once the batch is decided: stores the changed wake-up with the batch.
template <domain::decider D>
void stage_wake_up(aggregate_state<D>& st, persistence::append_request& request) {
  if constexpr (domain::schedules_wake_ups<D>) {
    st.process.deadline_to_announce.reset();
    auto before = D::wake_up(st.state);
    auto after = D::wake_up(*st.next_state);
    if (before == after) return;
    deadline_update update{st.stream, !after.has_value(), 0, {}};
    if (after) {
      update.due_ms = after->due_ms;
      update.command = envelope_of(after->command, st.stream);
    }
    request.kv_writes.push_back(deadline_write(update));
    st.process.deadline_to_announce = std::move(update);
  }
}

// In on_written(), before anyone hears of the batch: the scheduler learns of the new wake-up
// first, so that an answer to a wake-up it sent never overtakes the wake-up that replaced it.
template <domain::decider D>
void announce_wake_up(aggregate_ptr<D> self, bool durable) {
  if constexpr (domain::schedules_wake_ups<D>) {
    auto& st = self->state;
    if (durable && st.process.deadline_to_announce && st.context->deadlines)
      self->send(st.context->deadlines, std::move(*st.process.deadline_to_announce));
    st.process.deadline_to_announce.reset();
  }
}

template <domain::decider D>
void send_actions(aggregate_ptr<D> self);

// Tells the shard when the aggregate starts or stops awaiting answers.
template <domain::decider D>
void report_busy(aggregate_ptr<D> self) {
  if constexpr (domain::drives_others<D>) {
    auto& st = self->state;
    bool busy = !st.process.awaiting.empty() || st.process.resend_scheduled;
    if (busy == st.process.reported_busy) return;
    st.process.reported_busy = busy;
    self->send(st.shard, busy_atom::value, busy);
  }
}

// On passivate_atom: false (and the shard is told again that it is busy) while answers are awaited.
template <domain::decider D>
bool may_passivate(aggregate_ptr<D> self) {
  if constexpr (domain::drives_others<D>) {
    auto& st = self->state;
    if (!st.process.awaiting.empty() || st.process.resend_scheduled) {
      self->send(st.shard, busy_atom::value, true);
      return false;
    }
  }
  return true;
}

template <domain::decider D>
void on_answer(aggregate_ptr<D> self, const domain::outgoing_command& action,
               const command_reply& reply) {
  if constexpr (domain::drives_others<D>) {
    auto& st = self->state;
    st.process.awaiting.erase(action.command_id);
    if (is_transient(reply.code)) {
      if (!st.process.resend_scheduled) {
        st.process.resend_scheduled = true;
        self->delayed_send(self, std::chrono::milliseconds(st.context->settings.wake_up_retry_ms),
                           resend_atom::value);
      }
      return;
    }
    // Through the mailbox, like any command: it waits for the append in flight, and nobody
    // waits for its reply. Queued before the shard may hear that nothing is awaited any more, so
    // a passivation that follows finds it in the mailbox first.
    if (auto record = D::interpret(st.state, action, to_string(reply.code), status_of(reply)))
      caf::anon_send(caf::actor_cast<caf::actor>(self), envelope_of(*record, st.stream));
    report_busy<D>(self);
  }
}

// After recovery and after each durable batch: sends what the aggregate wants sent now.
template <domain::decider D>
void send_actions(aggregate_ptr<D> self) {
  if constexpr (domain::drives_others<D>) {
    auto& st = self->state;
    if (st.context->shards.empty()) return;
    auto timeout = std::chrono::milliseconds(st.context->settings.command_timeout_ms);
    for (auto& action : D::next_actions(st.state)) {
      if (is_client_command_id(action.command_id)) {
        // Client ids are the clients' namespace (actors/command_ids.hpp): never send one.
        std::fprintf(stderr, "ordo: %s refuses to send command id %s (the client namespace)\n",
                     st.stream.c_str(), action.command_id.c_str());
        continue;
      }
      if (!st.process.awaiting.insert(action.command_id).second) continue;
      // A passivation accepted while the last batch was written is called off: the answers must
      // reach this incarnation. The shard hears of it before the targets are spawned.
      st.passivating = false;
      report_busy<D>(self);
      const auto& shard = shard_for(*st.context, action.aggregate_type, action.aggregate_id);
      self->request(shard, timeout, envelope_of(action, st.stream))
          .then([self, action](command_reply& reply) { on_answer<D>(self, action, reply); },
                [self, action](caf::error&) {
                  command_reply lost;
                  lost.code = outcome::unavailable;
                  on_answer<D>(self, action, lost);
                });
    }
  }
}

template <domain::decider D>
void on_resend(aggregate_ptr<D> self) {
  if constexpr (domain::drives_others<D>) {
    self->state.process.resend_scheduled = false;
    send_actions<D>(self);
    report_busy<D>(self);
  }
}

}  // namespace ordo::actors::detail
