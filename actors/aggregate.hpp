// aggregate_actor<D>: one CAF actor per aggregate instance, over a domain decider D
// (domain/deciders.hpp). It recovers from its latest readable snapshot plus the later events,
// then, per command: answers a duplicate command id from memory, checks the expected version,
// decides, and hands the events to the journal. It evolves its state and replies only after the
// journal says the events are durable; commands that arrive meanwhile wait in order and are
// decided together into the next append.
#pragma once

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <cstdio>
#include <vector>

#include "actors/aggregate_effects.hpp"
#include "actors/aggregate_replies.hpp"
#include "actors/aggregate_state.hpp"
#include "actors/command_ids.hpp"
#include "actors/command_outcome_store.hpp"
#include "actors/context.hpp"
#include "actors/messages.hpp"
#include "actors/personal_data.hpp"
#include "actors/snapshot_writer.hpp"
#include "actors/write_completion.hpp"
#include "domain/command_json.hpp"
#include "domain/deciders.hpp"
#include "readmodel/aggregate_codec.hpp"
#include "readmodel/personal_data_json.hpp"
#include "readmodel/remembered_commands.hpp"

namespace ordo::actors {
namespace detail {

template <domain::decider D>
void take_snapshot(aggregate_ptr<D> self) {
  auto& st = self->state;
  if (st.version == 0 || st.version == st.snapshot_version) return;
  persistence::snapshot s{st.stream, st.version, D::snapshot_schema, now_ms(),
                          encode_aggregate_snapshot<D>(st.state, st.remembered)};
  st.snapshot_version = st.version;
  self->send(st.context->snapshot_writer, snapshot_job{std::move(s), st.context->settings.snapshots_keep});
}

// Tells the shard this incarnation is about to stop, before anyone hears of the failure: a caller
// that retries at once is then held by the shard for a fresh incarnation instead of reaching
// this one while it goes down.
template <domain::decider D>
void announce_stopping(aggregate_ptr<D> self) {
  self->send(self->state.shard, idle_atom::value);
}

template <domain::decider D>
void reply_unavailable_to_all(aggregate_ptr<D> self, const std::string& why) {
  auto& st = self->state;
  for (auto& d : st.in_flight) {
    command_reply r;
    r.code = outcome::unavailable;
    r.message = why;
    d.reply_to.deliver(std::move(r));
  }
  st.in_flight.clear();
  for (auto& p : st.queue) {
    command_reply r;
    r.code = outcome::unavailable;
    r.message = why;
    p.reply_to.deliver(std::move(r));
  }
  st.queue.clear();
}

// The index in in_flight of an earlier command of the append being decided with this id.
template <domain::decider D>
std::optional<std::size_t> decided_in_this_append(const aggregate_state<D>& st,
                                                  const std::string& command_id) {
  if (command_id.empty()) return std::nullopt;
  for (std::size_t i = 0; i + 1 < st.in_flight.size(); ++i)
    if (st.in_flight[i].command_id == command_id) return i;
  return std::nullopt;
}

// The reply for a command whose id this aggregate has answered before, or nullopt to decide it.
// Client commands get their first reply exactly, from the durable outcome (a point read, only for
// keyed commands); internal ones (a saga's step) get the first outcome with the state as it is
// now, to learn where the aggregate stands.
template <domain::decider D>
std::optional<command_reply> remembered_reply(aggregate_state<D>& st,
                                              const command_envelope& command) {
  if (command.command_id.empty()) return std::nullopt;
  const auto ttl_ms = st.context->settings.client_command_ttl_ms;
  if (is_client_command_id(command.command_id)) {
    auto stored = find_command_outcome(*st.context->db, st.stream, command.command_id,
                                       command.issued_at_ms, ttl_ms);
    if (!stored) {
      command_reply r;
      r.code = outcome::unavailable;
      r.message = "cannot read the outcome of this Idempotency-Key: " + stored.error().message;
      return r;
    }
    if (*stored) {
      auto r = std::move((*stored)->reply);
      r.duplicate = true;
      return r;
    }
  }
  auto remembered = st.remembered.find(command.command_id, command.issued_at_ms, ttl_ms);
  if (!remembered) return std::nullopt;
  // Internal ids, and client outcomes remembered without a durable record (recovered from the
  // events of an older version).
  command_reply r;
  r.code = remembered->code;
  r.version = remembered->version;
  r.position = remembered->position;
  r.duplicate = true;
  if (st.next_version > 0) describe_state<D>(r, command, *st.next_state, st.next_version);
  if (!r.ok()) r.message = "a command with this id was rejected before";
  return r;
}

// Once the append in flight is durable (or when there was nothing to write): remembers each
// command's outcome and answers everyone.
template <domain::decider D>
void deliver_replies(aggregate_state<D>& st, std::uint64_t first_position) {
  for (auto& d : st.in_flight) {
    if (d.event_count > 0) d.reply.position = first_position + d.events_before + d.event_count - 1;
    if (d.same_as) {
      d.reply = st.in_flight[*d.same_as].reply;
      d.reply.duplicate = true;
    }
    // A transient answer says nothing about the command: it may run when sent again.
    if (d.command_id.empty() || is_transient(d.reply.code)) continue;
    st.remembered.remember(
        {d.command_id,
         is_client_command_id(d.command_id) ? command_origin::client : command_origin::internal,
         d.reply.code, d.reply.version, d.reply.position, d.issued_at_ms});
  }
  for (auto& d : st.in_flight) {
    open_personal_data(st.context->settings.personal_data, d.reply);
    d.reply_to.deliver(std::move(d.reply));
  }
  st.in_flight.clear();
}

// Decides queued commands against a scratch state and starts one append for all their events.
template <domain::decider D>
void pump(aggregate_ptr<D> self) {
  auto& st = self->state;
  if (st.writing) return;
  if (st.queue.empty()) {
    // Idle: give back what the last burst of commands needed (most aggregates idle most of
    // the time, and a million of them must fit in memory).
    decltype(st.queue){}.swap(st.queue);
    decltype(st.in_flight){}.swap(st.in_flight);
    st.next_state.reset();
    st.remembered.shrink();
    if (st.passivating) self->quit();
    return;
  }
  auto take = std::min(st.queue.size(), std::max<std::size_t>(1, st.context->settings.max_commands_per_append));
  st.next_state = std::make_unique<typename D::state>(st.state);
  st.next_version = st.version;
  persistence::append_request request{st.stream, persistence::expected_version::exact(st.version), {}, {}};
  const auto ttl_ms = st.context->settings.client_command_ttl_ms;

  std::size_t taken = 0;
  try {
  for (; taken < take; ++taken) {
    auto& [command, reply_to] = st.queue[taken];
    st.in_flight.push_back({.reply_to = std::move(reply_to),
                            .command_id = command.command_id,
                            .events_before = request.events.size(),
                            .issued_at_ms = command.issued_at_ms});
    auto& d = st.in_flight.back();
    if (auto repeated = decided_in_this_append<D>(st, command.command_id)) {
      d.same_as = repeated;
      d.command_id.clear();
      continue;
    }
    if (auto known = remembered_reply<D>(st, command); known) {
      d.reply = std::move(*known);
      d.command_id.clear();
      continue;
    }
    if (command.expected_version >= 0 &&
        static_cast<std::uint64_t>(command.expected_version) != st.next_version) {
      d.reply.code = outcome::version_conflict;
      d.reply.message = "expected version " + std::to_string(command.expected_version) +
                        " but the aggregate is at " + std::to_string(st.next_version);
      d.reply.version = st.next_version;
    } else if (auto parsed = domain::parse_command<D>(command.command, st.id(), command.body);
               !parsed) {
      d.reply = error_reply<D>(parsed.error(), st.next_version);
    } else if (auto events = D::decide(*st.next_state, *parsed, command.issued_at_ms); !events) {
      d.reply = error_reply<D>(events.error(), st.next_version);
    } else if (auto unsealed = seal_personal_data<D>(st.context->settings.personal_data, *events)) {
      d.reply.code = outcome::unavailable;
      d.reply.message = std::move(*unsealed);
      d.reply.version = st.next_version;
    } else {
      for (auto& e : *events) {
        auto encoded = D::encode(e);
        request.events.push_back({std::move(encoded.type), encoded.schema_version, command.issued_at_ms,
                                  command.command_id, command.correlation_id, command.causation_id,
                                  std::move(encoded.data)});
        D::evolve(*st.next_state, e, command.issued_at_ms);
      }
      d.event_count = events->size();
      st.next_version += events->size();
      d.reply.version = st.next_version;
      describe_state<D>(d.reply, command, *st.next_state, st.next_version);
    }
    // A client command's reply is kept durably with its events (or alone, when rejected), so
    // that its key answers it for the whole TTL.
    if (is_client_command_id(d.command_id) && !is_transient(d.reply.code))
      request.kv_writes.push_back(command_outcome_write(st.stream, d.command_id, d.reply,
                                                        d.issued_at_ms, ttl_ms, d.event_count > 0));
  }
  } catch (const std::exception& e) {
    // A decider that throws leaves the scratch state unknown: drop the whole append, answer
    // everyone, and stop. The next command recovers this aggregate from the journal.
    st.queue.erase(st.queue.begin(), st.queue.begin() + static_cast<std::ptrdiff_t>(std::min(taken + 1, take)));
    announce_stopping<D>(self);
    reply_unavailable_to_all<D>(self, std::string("the aggregate failed: ") + e.what());
    throw;
  }
  st.queue.erase(st.queue.begin(), st.queue.begin() + static_cast<std::ptrdiff_t>(take));

  if (request.events.empty() && request.kv_writes.empty()) {
    // Nothing to write: every answer rests on durable state already.
    deliver_replies<D>(st, 0);
    return pump(self);
  }
  stage_wake_up<D>(st, request);
  st.writing = true;
  auto epoch = ++st.epoch;
  append_for_aggregate(*st.context, D::type_name, st.id(), caf::actor_cast<caf::actor>(self), epoch,
                       std::move(request));
}

// Queues a command for the next append, or answers it at once when too many wait.
template <domain::decider D>
void enqueue(aggregate_ptr<D> self, command_envelope command, reply_target reply_to) {
  auto& st = self->state;
  st.last_active_ms = now_ms();
  if (st.queue.size() >= st.context->settings.max_pending_per_aggregate) {
    command_reply r;
    r.code = outcome::overloaded;
    r.message = "too many commands waiting for " + st.stream;
    reply_to.deliver(std::move(r));
    return;
  }
  st.queue.push_back({std::move(command), std::move(reply_to)});
  pump(self);
}

template <domain::decider D>
void on_written(aggregate_ptr<D> self, append_outcome& outcome) {
  auto& st = self->state;
  if (!st.writing || outcome.epoch != st.epoch) return;
  st.writing = false;
  if (!outcome.result) {
    // Nothing of the batch is visible. Stop, so that the next command recovers from the journal.
    // The commands of the batch answer what the journal knows: refused (storage_unavailable:
    // nothing was written) or perhaps durable (outcome_unknown: a failed sync); those still
    // queued were never handed to the journal.
    const auto& error = outcome.result.error();
    auto code = error.code == persistence::storage_errc::outcome_unknown ? outcome::outcome_unknown
                : error.code == persistence::storage_errc::io_error      ? outcome::storage_unavailable
                                                                         : outcome::unavailable;
    announce_wake_up<D>(self, /*durable=*/false);
    announce_stopping<D>(self);
    for (auto& d : st.in_flight) {
      command_reply r;
      r.code = code;
      r.message = "the journal could not write: " + error.message;
      d.reply_to.deliver(std::move(r));
    }
    st.in_flight.clear();
    reply_unavailable_to_all<D>(self, "the journal could not write: " + error.message);
    self->quit(journal_failed());
    return;
  }
  auto first_position = outcome.result->first_position;
  st.state = std::move(*st.next_state);
  st.next_state.reset();
  st.version = st.next_version;
  announce_wake_up<D>(self, /*durable=*/true);
  deliver_replies<D>(st, first_position);
  if (st.version - st.snapshot_version >= st.context->settings.snapshot_every) take_snapshot<D>(self);
  send_actions<D>(self);
  pump(self);
}

// The last event so far of one command while recovery replays events: a command's outcome is
// remembered once, with the version and position of its last event.
struct command_of_events {
  std::string id;
  std::uint64_t version = 0;
  std::uint64_t position = 0;
  std::int64_t issued_at_ms = 0;

  void remember_in(remembered_commands& table) const {
    if (id.empty()) return;
    table.remember({id,
                    is_client_command_id(id) ? command_origin::client : command_origin::internal,
                    outcome::ok, version, position, issued_at_ms});
  }
};

// A snapshot of format 1 remembered commands by a hash of their id only. Those that appended
// events are found again, with their full ids, in the journal (the event at their version carries
// the id: the journal, not the hash, says which command it was). Those that appended nothing
// (rejections) cannot be, and are forgotten: running such a command again decides it afresh, and
// cannot apply anything twice.
template <domain::decider D>
persistence::result<void> resolve_legacy_remembered(aggregate_state<D>& st,
                                                    const std::vector<legacy_remembered>& legacy) {
  std::uint64_t from = st.version + 1;
  for (auto& entry : legacy)
    if (entry.position != 0 && entry.version >= 1) from = std::min(from, entry.version);
  if (from > st.version) return {};
  auto events = st.context->db->events().read(st.stream, from, st.version);
  if (!events) return std::unexpected(events.error());
  command_of_events last;
  auto was_remembered = [&](const command_of_events& c) {
    return std::any_of(legacy.begin(), legacy.end(), [&](const legacy_remembered& entry) {
      return entry.position == c.position && entry.version == c.version &&
             entry.id_hash == legacy_command_id_hash(c.id);
    });
  };
  for (auto& recorded : *events) {
    if (recorded.command_id != last.id && was_remembered(last)) last.remember_in(st.remembered);
    last = {recorded.command_id, recorded.version, recorded.position, recorded.timestamp_ms};
  }
  if (was_remembered(last)) last.remember_in(st.remembered);
  return {};
}

// Loads the newest readable snapshot and replays the later events. A snapshot that cannot be
// read is skipped; an event that cannot be read fails recovery.
template <domain::decider D>
persistence::result<void> recover(aggregate_state<D>& st) {
  auto& db = *st.context->db;
  persistence::snapshot_criteria criteria;
  std::vector<legacy_remembered> legacy;
  for (;;) {
    auto loaded = db.snapshots().load_latest(st.stream, criteria);
    std::uint64_t skip_below = 0;
    if (!loaded) {
      if (loaded.error().code != persistence::storage_errc::corrupt) return std::unexpected(loaded.error());
      skip_below = loaded.error().version;
    } else if (!*loaded) {
      break;
    } else if (decode_aggregate_snapshot<D>(**loaded, st.state, st.remembered, &legacy)) {
      st.version = st.snapshot_version = (*loaded)->version;
      break;
    } else {
      skip_below = (*loaded)->version;
    }
    std::fprintf(stderr, "ordo: skipping unreadable snapshot of %s at version %llu\n", st.stream.c_str(),
                 static_cast<unsigned long long>(skip_below));
    if (skip_below <= 1) break;
    criteria.max_version = skip_below - 1;
  }
  if (!legacy.empty()) {
    if (auto resolved = resolve_legacy_remembered(st, legacy); !resolved) return resolved;
  }
  command_of_events last;  // the command of the events being replayed, remembered once complete
  for (;;) {
    auto events = db.events().read(st.stream, st.version + 1, persistence::unbounded, 1024);
    if (!events) return std::unexpected(events.error());
    for (auto& recorded : *events) {
      auto event = D::decode(domain::encoded_event{recorded.type, recorded.schema_version, recorded.data});
      if (!event) {
        persistence::storage_error err{persistence::storage_errc::corrupt,
                                       "cannot decode " + recorded.type + " of " + st.stream + " at version " +
                                           std::to_string(recorded.version) + ": " + event.error().message};
        err.stream = st.stream;
        err.version = recorded.version;
        return std::unexpected(std::move(err));
      }
      D::evolve(st.state, *event, recorded.timestamp_ms);
      st.version = recorded.version;
      if (recorded.command_id != last.id) last.remember_in(st.remembered);
      last = {recorded.command_id, recorded.version, recorded.position, recorded.timestamp_ms};
    }
    if (events->size() < 1024) break;
  }
  last.remember_in(st.remembered);
  return {};
}

// Every message of an aggregate (see aggregate_actor below for why not a behavior).
template <domain::decider D>
caf::result<caf::message> on_message(caf::scheduled_actor* actor, caf::message_view& view) {
  auto self = static_cast<aggregate_ptr<D>>(actor);
  auto& st = self->state;
  auto& content = view.content();
  if (content.match_elements<tracked_command>()) {
    // A call of this node's gateway: answered through its ticket, on this thread.
    auto& command = content.get_mutable_as<tracked_command>(0);
    command.reply.accept();
    enqueue<D>(self, std::move(command.envelope), {{}, std::move(command.reply)});
    return caf::message{};
  }
  if (content.match_elements<written_atom, append_outcome>()) {
    on_written<D>(self, content.get_mutable_as<append_outcome>(1));
    return caf::message{};
  }
  if (content.match_elements<command_envelope>()) {
    // A request (a saga's step, a wake-up, another node): answered through CAF.
    auto promise = self->template make_response_promise<command_reply>();
    enqueue<D>(self, std::move(content.get_mutable_as<command_envelope>(0)), {promise, {}});
    return caf::delegated<caf::message>{};
  }
  if (content.match_elements<resend_atom>()) {
    on_resend<D>(self);
    return caf::message{};
  }
  if (content.match_elements<query_atom>()) return caf::make_message(opened_state_reply<D>(st));
  if (content.match_elements<tracked_query>()) {
    // A read of this node's gateway: answered through its ticket, like a call.
    auto& query = content.get_mutable_as<tracked_query>(0);
    query.reply.accept();
    query.reply.complete(opened_state_reply<D>(st));
    return caf::message{};
  }
  if (content.match_elements<snapshot_atom>()) {
    take_snapshot<D>(self);
    return caf::make_message(opened_state_reply<D>(st));
  }
  if (content.match_elements<inspect_atom, bool>()) {
    aggregate_info info{std::string(D::type_name), std::string(st.id()), st.version,
                        self->mailbox().size(), st.last_active_ms, st.snapshot_version,
                        st.queue.size() + st.in_flight.size(), {}};
    if (content.get_as<bool>(1) && st.version > 0)
    {
      info.state = D::to_json(st.state).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      // Shown opened; a state that does not open stays sealed (never shown as data).
      if (auto* keys = st.context->settings.personal_data)
        if (auto opened = readmodel::open_personal_text(info.state, *keys)) info.state = std::move(*opened);
    }
    return caf::make_message(std::move(info));
  }
  if (content.match_elements<passivate_atom>()) {
    if (!may_passivate<D>(self)) return caf::message{};  // answers awaited: see aggregate_effects.hpp
    st.passivating = true;
    if (!st.writing && st.queue.empty()) self->quit();
    return caf::message{};
  }
  return caf::print_and_drop(actor, view);
}

}  // namespace detail

template <domain::decider D>
caf::behavior aggregate_actor(aggregate_ptr<D> self, runtime_context* context, shard_actor shard,
                              std::string id) {
  auto& st = self->state;
  st.context = context;
  st.shard = std::move(shard);
  st.stream = std::string(D::type_name) + "-" + id;
  st.remembered = remembered_commands(context->settings.remembered_command_ids);
  st.last_active_ms = now_ms();

  auto started = std::chrono::steady_clock::now();
  if (auto recovered = detail::recover<D>(st); !recovered) {
    std::fprintf(stderr, "ordo: recovery of %s failed: %s\n", st.stream.c_str(),
                 recovered.error().message.c_str());
    context->stats.recovery_failures.fetch_add(1, std::memory_order_relaxed);
    self->quit(recovery_failed());
    return {};
  }
  context->stats.recoveries.fetch_add(1, std::memory_order_relaxed);
  context->stats.recovery_micros.fetch_add(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count(),
      std::memory_order_relaxed);

  detail::send_actions<D>(self);

  // CAF 0.17 allocates a behavior for every actor, ~40 bytes per handler, which a million idle
  // aggregates pay a million times. All aggregates of a type share one behavior instead, whose
  // only handler matches nothing, and take every message in the default handler: a function
  // pointer that each actor holds anyway.
  self->set_default_handler(detail::on_message<D>);
  static const caf::behavior shared{[](no_such_message) {}};
  return shared;
}

}  // namespace ordo::actors
