// What an aggregate that drives others (a saga, a process manager) asks the actor layer to do:
// send commands to other aggregates, and wake it up later with a command to itself. Plain values,
// so that deciders stay pure; the actor layer carries them out.
#pragma once

#include <string>

#include "domain/result.hpp"

namespace ordo::domain {

// A command addressed to one aggregate. `body` is the command's JSON object as text.
struct outgoing_command {
  std::string aggregate_type;
  std::string aggregate_id;
  std::string command;
  std::string body;
  std::string command_id;  // deterministic, so that sending it twice is harmless
  bool operator==(const outgoing_command&) const = default;
};

// A durable wake-up: `command` (addressed to the aggregate that asked) is sent at `due_ms`.
struct scheduled_command {
  timestamp due_ms = 0;
  outgoing_command command;
  bool operator==(const scheduled_command&) const = default;
};

}  // namespace ordo::domain
