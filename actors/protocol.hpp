// The plain value types that travel between ordo's actors and in and out of the gateway.
// No CAF here: the HTTP layer uses these through the gateway. messages.hpp adds the `inspect`
// overloads and type ids that let them cross actors and nodes.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "actors/outcome.hpp"
#include "persistence/event_record.hpp"

namespace ordo::actors {

// A command for one aggregate, from the gateway to the aggregate (possibly across nodes).
struct command_envelope {
  std::string aggregate_type;  // "order", "stock", "payment", "saga"
  std::string aggregate_id;
  std::string command;     // the command's name, e.g. "add_item"
  std::string body;        // the command's fields as a JSON object
  std::string command_id;  // duplicate detection; empty: none
  std::string correlation_id;
  std::string causation_id;
  std::int64_t expected_version = -1;  // -1: any version
  std::int64_t issued_at_ms = 0;       // the decider's "now"
  // Whether the reply carries the aggregate's state as JSON (HTTP answers with it). Without it
  // the reply carries the aggregate's status instead, and nobody pays for rendering the state.
  bool reply_with_state = false;
  bool operator==(const command_envelope&) const = default;
};

struct field_problem {
  std::string field;
  std::string message;
  bool operator==(const field_problem&) const = default;
};

// The answer to a command or a state query: its outcome (actors/outcome.hpp) and the structured
// fields that go with it; text only in `message` (for people) and `state` (the aggregate's JSON).
struct command_reply {
  outcome code = outcome::ok;
  std::string message;
  // The aggregate's status: on invalid_state, and on a reply without state (when its type has one).
  std::string status;
  std::vector<field_problem> fields;  // validation_failed: which fields and why
  std::uint64_t version = 0;          // the aggregate's version (actual version on conflicts)
  std::uint64_t position = 0;         // global position of the command's last event; 0 if none
  std::string state;                  // the aggregate's JSON after the command, when asked for
  bool duplicate = false;             // answered from the remembered result of this command id
  bool ok() const { return code == outcome::ok; }
  bool operator==(const command_reply&) const = default;
};

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

// What an inspection query tells about one projection actor (GET /v1/inspect/projections).
struct projection_info {
  std::string name;
  std::uint64_t position = 0;    // the last position applied (the checkpoint)
  std::uint64_t lag_events = 0;  // journal's last position - position
  // Age of the oldest event not yet applied (now - its timestamp); 0 when caught up.
  std::int64_t lag_ms = 0;
  // 99th percentile, over the last ~1000 batches delivered live by the bus, of the time from an
  // event's timestamp to its rows being written. Catch-up batches are left out: replaying old
  // events says nothing about how fresh the view is.
  std::int64_t apply_delay_p99_ms = 0;
  std::string status;      // "live" | "catching_up" | "rebuilding"
  std::string last_error;  // why the last attempt failed (it is retried); empty when it did not
  // What it retries on its own while it goes on (the saga trigger: sagas that keep refusing).
  std::vector<std::string> retrying;
  bool operator==(const projection_info&) const = default;
};

using projection_status = projection_info;

// A durable wake-up of one aggregate (one per aggregate, named by its stream): from the aggregate
// to the deadline scheduler once the batch that stored it in the kv store is durable.
struct deadline_update {
  std::string stream;
  bool cancelled = false;    // the aggregate has no pending wake-up any more
  std::int64_t due_ms = 0;   // when to send `command`
  command_envelope command;  // addressed to the aggregate itself
  bool operator==(const deadline_update&) const = default;
};

// Node-local: committed events from the journal writer to the event bus, and from the bus to
// its followers. Events are shared, never copied: a batch is a view of part of one chunk (the
// events of one journal write).
struct event_batch {
  std::shared_ptr<const std::vector<persistence::recorded_event>> chunk;
  std::size_t first = 0;  // index of the batch's first event in *chunk
  std::size_t count = 0;

  std::span<const persistence::recorded_event> events() const {
    if (!chunk) return {};
    return std::span(*chunk).subspan(first, count);
  }
};

}  // namespace ordo::actors
