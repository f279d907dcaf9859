// Every message that travels between ordo's actors, with an `inspect` overload and a type id, so
// that a later cluster layer can send them between nodes unchanged. Keep this the one block of
// ordo's message types; tests/unit/actors round-trips each registered type.
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/event_record.hpp"

namespace ordo::actors {

// A command for one aggregate, from the gateway to the aggregate (possibly across nodes).
struct command_envelope {
  std::string aggregate_type;        // "order", "stock", "payment", "saga"
  std::string aggregate_id;
  std::string command;               // the command's name, e.g. "add_item"
  std::string body;                  // the command's fields as a JSON object
  std::string command_id;            // duplicate detection; empty: none
  std::string correlation_id;
  std::string causation_id;
  std::int64_t expected_version = -1;  // -1: any version
  std::int64_t issued_at_ms = 0;       // the decider's "now"
  bool operator==(const command_envelope&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command_envelope& x) {
  return f(caf::meta::type_name("ordo.command_envelope"), x.aggregate_type, x.aggregate_id,
           x.command, x.body, x.command_id, x.correlation_id, x.causation_id, x.expected_version,
           x.issued_at_ms);
}

struct field_problem {
  std::string field;
  std::string message;
  bool operator==(const field_problem&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, field_problem& x) {
  return f(caf::meta::type_name("ordo.field_problem"), x.field, x.message);
}

// The answer to a command or a state query. `code` is "ok" or one of the error codes of
// docs/API.md (validation_failed, invalid_state, not_found, already_exists, out_of_stock,
// version_conflict, unavailable, overloaded).
struct command_reply {
  std::string code = "ok";
  std::string message;
  std::string status;                 // invalid_state: the aggregate's status
  std::vector<field_problem> fields;  // validation_failed: which fields and why
  std::uint64_t version = 0;          // the aggregate's version (actual version on conflicts)
  std::uint64_t position = 0;         // global position of the command's last event; 0 if none
  std::string state;                  // the aggregate's JSON after the command
  bool duplicate = false;             // answered from the remembered result of this command id
  bool ok() const { return code == "ok"; }
  bool operator==(const command_reply&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command_reply& x) {
  return f(caf::meta::type_name("ordo.command_reply"), x.code, x.message, x.status, x.fields,
           x.version, x.position, x.state, x.duplicate);
}

// What an inspection query tells about one live aggregate actor.
struct aggregate_info {
  std::string aggregate_type;
  std::string aggregate_id;
  std::uint64_t version = 0;
  std::uint64_t mailbox_size = 0;
  std::int64_t last_active_ms = 0;
  std::uint64_t last_snapshot_version = 0;
  std::uint64_t pending_commands = 0;
  std::string state;  // only for single-aggregate queries
  bool operator==(const aggregate_info&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, aggregate_info& x) {
  return f(caf::meta::type_name("ordo.aggregate_info"), x.aggregate_type, x.aggregate_id,
           x.version, x.mailbox_size, x.last_active_ms, x.last_snapshot_version,
           x.pending_commands, x.state);
}

// Node-local: committed events from the journal writer to the event bus and subscribers.
struct event_batch {
  std::vector<persistence::recorded_event> events;
};

}  // namespace ordo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::event_batch)

CAF_BEGIN_TYPE_ID_BLOCK(ordo, caf::first_custom_type_id)
CAF_ADD_TYPE_ID(ordo, (ordo::actors::command_envelope))
CAF_ADD_TYPE_ID(ordo, (ordo::actors::field_problem))
CAF_ADD_TYPE_ID(ordo, (ordo::actors::command_reply))
CAF_ADD_TYPE_ID(ordo, (ordo::actors::aggregate_info))
CAF_ADD_TYPE_ID(ordo, (std::vector<ordo::actors::aggregate_info>))
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
CAF_END_TYPE_ID_BLOCK(ordo)
