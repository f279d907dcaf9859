// Every message that travels between ordo's actors: `inspect` overloads and one CAF type-ID
// block, so that a cluster layer can send them between nodes unchanged. A missing registration is
// not a compile error (the receiver gets an empty message): tests/unit/actors round-trips each.
#pragma once

#include <caf/all.hpp>

#include "actors/protocol.hpp"

namespace ordo::actors {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command_envelope& x) {
  return f(caf::meta::type_name("ordo.command_envelope"), x.aggregate_type, x.aggregate_id,
           x.command, x.body, x.command_id, x.correlation_id, x.causation_id, x.expected_version,
           x.issued_at_ms, x.reply_with_state);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, field_problem& x) {
  return f(caf::meta::type_name("ordo.field_problem"), x.field, x.message);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command_reply& x) {
  return f(caf::meta::type_name("ordo.command_reply"), x.code, x.message, x.status, x.fields,
           x.version, x.position, x.state, x.duplicate);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, aggregate_info& x) {
  return f(caf::meta::type_name("ordo.aggregate_info"), x.aggregate_type, x.aggregate_id,
           x.version, x.mailbox_size, x.last_active_ms, x.last_snapshot_version,
           x.pending_commands, x.state);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, projection_info& x) {
  return f(caf::meta::type_name("ordo.projection_info"), x.name, x.position, x.lag_events, x.lag_ms,
           x.apply_delay_p99_ms, x.status, x.last_error, x.retrying);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, deadline_update& x) {
  return f(caf::meta::type_name("ordo.deadline_update"), x.stream, x.cancelled, x.due_ms,
           x.command);
}

}  // namespace ordo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::event_batch)

CAF_BEGIN_TYPE_ID_BLOCK(ordo, caf::first_custom_type_id)
CAF_ADD_TYPE_ID(ordo, (ordo::actors::command_envelope))
CAF_ADD_TYPE_ID(ordo, (ordo::actors::field_problem))
CAF_ADD_TYPE_ID(ordo, (ordo::actors::command_reply))
CAF_ADD_TYPE_ID(ordo, (ordo::actors::aggregate_info))
CAF_ADD_TYPE_ID(ordo, (std::vector<ordo::actors::aggregate_info>))
CAF_ADD_TYPE_ID(ordo, (ordo::actors::projection_info))
CAF_ADD_TYPE_ID(ordo, (ordo::actors::deadline_update))
CAF_ADD_ATOM(ordo, ordo::actors, query_atom, "query")          // read an aggregate's state
CAF_ADD_ATOM(ordo, ordo::actors, inspect_atom, "inspect")      // inspection queries
CAF_ADD_ATOM(ordo, ordo::actors, snapshot_atom, "snapshot")    // take a snapshot now
CAF_ADD_ATOM(ordo, ordo::actors, passivate_atom, "passivate")  // stop an aggregate
CAF_ADD_ATOM(ordo, ordo::actors, idle_atom, "idle")            // an aggregate asks to passivate
CAF_ADD_ATOM(ordo, ordo::actors, written_atom, "written")      // a journal append finished
CAF_ADD_ATOM(ordo, ordo::actors, fetch_atom, "fetch")          // a subscriber pulls events
CAF_ADD_ATOM(ordo, ordo::actors, catchup_atom, "catchup")      // read the journal yourself
CAF_ADD_ATOM(ordo, ordo::actors, await_atom, "await")          // wait for a position
CAF_ADD_ATOM(ordo, ordo::actors, rebuild_atom, "rebuild")      // rebuild a projection
CAF_ADD_ATOM(ordo, ordo::actors, tick_atom, "tick")            // periodic housekeeping
CAF_ADD_ATOM(ordo, ordo::actors, stop_atom, "stop")
CAF_ADD_ATOM(ordo, ordo::actors, resend_atom, "resend")  // a saga sends its step's commands again
CAF_ADD_ATOM(ordo, ordo::actors, busy_atom, "busy")  // an aggregate awaits answers (or no more)
CAF_END_TYPE_ID_BLOCK(ordo)
