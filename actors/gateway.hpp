// The gateway: the only door from non-actor threads (HTTP, CLI, tests) into the actors.
// A command goes straight into the mailbox of the shard that owns its aggregate, as a
// tracked_command whose aggregate completes the caller on its own thread (actors/command_call.hpp):
// no actor of the gateway's own in between, and nothing sent back through CAF. Past
// `max_in_flight` concurrent calls it answers `overloaded` at once; a command that does not reach
// its aggregate within `command_timeout_ms` is answered `unavailable` (and dropped: nothing was
// applied), one that reached it but was not answered in time `outcome_unknown` (it may still be
// applied). Reads of an aggregate's state travel the same way (tracked_query); snapshots,
// passivation, inspection and projection awaits go through a few carrier actors that issue CAF
// requests.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/handles.hpp"
#include "actors/protocol.hpp"
#include "actors/settings.hpp"

namespace caf {
class actor;
class actor_system;
}  // namespace caf

namespace ordo::actors {

class command_call;
class reply_deadlines;

class gateway {
 public:
  using reply_handler = std::function<void(command_reply)>;

  gateway(caf::actor_system& system, std::vector<shard_actor> shards,
          std::vector<projector_actor> projectors, const runtime_settings& settings);
  ~gateway();
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  // Sends a command; `done` runs exactly once, on an actor thread (or the thread that answers
  // late calls), and must be quick. It may run after the gateway is gone (an aggregate answering
  // while the node stops): it must not rely on the gateway.
  void send_async(command_envelope command, reply_handler done);

  // Blocking forms, for plain threads.
  command_reply send(command_envelope command);
  command_reply query(const std::string& type, const std::string& id);
  command_reply snapshot(const std::string& type, const std::string& id);
  bool passivate(const std::string& type, const std::string& id);
  std::optional<aggregate_info> inspect(const std::string& type, const std::string& id);
  std::vector<aggregate_info> inspect_live(const std::string& type, std::size_t limit);

  // Read-your-writes: true once every projection has applied the events up to `position`;
  // `projectors` (actors/projector.hpp) run the projections, each one or more of them.
  // false when that does not happen within `timeout`.
  bool await_position(std::uint64_t position, std::chrono::milliseconds timeout);
  std::vector<projection_status> projections();
  // Starts rebuilding the named projection from position 0; false for an unknown name.
  bool rebuild_projection(const std::string& name);

  std::size_t in_flight() const { return in_flight_->load(std::memory_order_relaxed); }
  std::size_t max_in_flight() const { return settings_.max_in_flight; }

 private:
  struct actors;  // the shards and the gateway's own request-carrying actors (CAF handles)
  bool admit();
  template <class T>
  T wait(std::function<void(std::function<void(T)>)> start, T on_timeout);
  // Asks `actor` (a shard or a projection) with xs and waits for its Reply; `fallback` on an
  // error or no reply in time.
  template <class Reply, class Handle, class... Ts>
  Reply ask(const Handle& actor, Reply fallback, Ts... xs);

  // Puts `command` into its shard's mailbox with the right to answer `call`.
  void enqueue(command_envelope command, std::shared_ptr<command_call> call);

  std::unique_ptr<actors> actors_;
  runtime_settings settings_;
  std::unique_ptr<reply_deadlines> deadlines_;
  // Shared with the calls' handlers, which may run after the gateway is gone.
  std::shared_ptr<std::atomic<std::size_t>> in_flight_ =
      std::make_shared<std::atomic<std::size_t>>(0);
};

command_reply make_reply(outcome code, std::string message);
// "outcome_unknown": the command may have been applied, or may still be; `why` says what happened.
command_reply outcome_unknown_reply(std::string why);

}  // namespace ordo::actors
