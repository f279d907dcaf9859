// The gateway: the only door from non-actor threads (HTTP, CLI, tests) into the actors.
// Each call sends one message to the shard that owns the aggregate and waits (or calls back)
// with a typed reply. Past `max_in_flight` concurrent calls it answers `overloaded` at once; a
// reply that does not come within `command_timeout_ms` is answered `unavailable`.
#pragma once

#include <caf/all.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/settings.hpp"

namespace ordo::actors {

class gateway {
 public:
  using reply_handler = std::function<void(command_reply)>;

  gateway(caf::actor_system& system, std::vector<caf::actor> shards, const runtime_settings& settings);
  ~gateway();
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  // Sends a command; `done` runs exactly once, on an actor thread, and must be quick.
  void send_async(command_envelope command, reply_handler done);

  // Blocking forms, for plain threads.
  command_reply send(command_envelope command);
  command_reply query(const std::string& type, const std::string& id);
  command_reply snapshot(const std::string& type, const std::string& id);
  bool passivate(const std::string& type, const std::string& id);
  std::optional<aggregate_info> inspect(const std::string& type, const std::string& id);
  std::vector<aggregate_info> inspect_live(const std::string& type, std::size_t limit);

  std::size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  const caf::actor& shard_for(std::string_view type, std::string_view id) const;

 private:
  // Runs `job` inside one of the gateway's actors, which may issue requests from there.
  void dispatch(std::function<void(caf::event_based_actor*)> job);
  bool admit();
  template <class T>
  T wait(std::function<void(std::function<void(T)>)> start, T on_timeout);

  std::vector<caf::actor> shards_;
  std::vector<caf::actor> carriers_;
  runtime_settings settings_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::size_t> next_carrier_{0};
};

command_reply make_reply(std::string code, std::string message);

}  // namespace ordo::actors
