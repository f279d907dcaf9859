// The envelope of a command that one part of ordo sends to an aggregate on its own account (a
// saga's step, a wake-up, the saga trigger's start): the domain's outgoing command plus where it
// comes from, stamped with the time it is sent.
#pragma once

#include <string>

#include "actors/context.hpp"
#include "actors/protocol.hpp"
#include "domain/process.hpp"

namespace ordo::actors {

inline command_envelope envelope_of(const domain::outgoing_command& c, std::string correlation_id,
                                    std::string causation_id) {
  command_envelope envelope;
  envelope.aggregate_type = c.aggregate_type;
  envelope.aggregate_id = c.aggregate_id;
  envelope.command = c.command;
  envelope.body = c.body;
  envelope.command_id = c.command_id;
  envelope.correlation_id = std::move(correlation_id);
  envelope.causation_id = std::move(causation_id);
  envelope.issued_at_ms = now_ms();
  return envelope;
}

// A command an aggregate sends itself: its stream is both correlation and causation.
inline command_envelope envelope_of(const domain::outgoing_command& c, const std::string& from) {
  return envelope_of(c, from, from);
}

}  // namespace ordo::actors
