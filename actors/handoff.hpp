// Whether a gateway call reached its aggregate. A command that sits in a shard's mailbox (or is
// held by the shard while its aggregate stops) has not been handed over yet; once the shard puts
// it into the aggregate's mailbox it may be applied at any time. The caller's deadline and the
// shard race for one decision, made once: the shard hands the command over, or the caller gives
// up first and the shard then drops the command. So a caller that gave up before the hand-off may
// say "nothing was applied" (503), and one that gave up after it may only say "outcome unknown"
// (504).
#pragma once

#include <atomic>
#include <caf/all.hpp>
#include <memory>

#include "actors/protocol.hpp"

namespace ordo::actors {

class handoff {
 public:
  // The shard, just before it puts the command into the aggregate's mailbox: false when the
  // caller gave up before, and the command must be dropped.
  bool hand_over() { return settle(state::handed) == state::handed; }
  // The caller's deadline: true when the command was never handed over (and now never will be).
  bool give_up() { return settle(state::abandoned) == state::abandoned; }

 private:
  enum class state { waiting, handed, abandoned };
  // Moves from waiting to `to`; returns the state that holds afterwards.
  state settle(state to) {
    auto expected = state::waiting;
    if (state_.compare_exchange_strong(expected, to, std::memory_order_acq_rel)) return to;
    return expected;
  }
  std::atomic<state> state_{state::waiting};
};

// A command from this node's gateway with its hand-off decision (node-local: it carries a
// pointer, so it never crosses nodes; a command from elsewhere is a plain command_envelope).
struct tracked_command {
  command_envelope envelope;
  std::shared_ptr<handoff> decision;
};

}  // namespace ordo::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ordo::actors::tracked_command)
