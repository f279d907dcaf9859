#include "actors/deadline_scheduler.hpp"

#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "actors/deadline_store.hpp"
#include "actors/messages.hpp"
#include "actors/shard.hpp"

namespace ordo::actors {
namespace {

struct pending_wake_up {
  std::int64_t due_ms = 0;
  command_envelope command;
  std::uint64_t generation = 0;  // tells a stale answer from the answer to this wake-up
  bool firing = false;           // sent, answer not yet in
};

struct scheduler_state {
  static inline const char* name = "ordo.deadlines";
  runtime_context* context = nullptr;
  std::map<std::string, pending_wake_up> by_stream;
  std::set<std::pair<std::int64_t, std::string>> by_due;  // not firing only
  std::uint64_t generation = 0;
  std::int64_t tick_at = std::numeric_limits<std::int64_t>::max();  // earliest tick on its way
};

using scheduler_ptr = deadline_scheduler_actor::stateful_pointer<scheduler_state>;

bool transient(const command_reply& r) {
  return is_transient(r.code);
}

void arm(scheduler_ptr self) {
  auto& st = self->state;
  if (st.by_due.empty()) return;
  auto earliest = st.by_due.begin()->first;
  if (earliest >= st.tick_at) return;
  st.tick_at = earliest;
  self->delayed_send(self,
                     std::chrono::milliseconds(std::max<std::int64_t>(0, earliest - now_ms())),
                     tick_atom::value);
}

void forget(scheduler_ptr self, const std::string& stream) {
  auto& st = self->state;
  auto it = st.by_stream.find(stream);
  if (it == st.by_stream.end()) return;
  if (!it->second.firing) st.by_due.erase({it->second.due_ms, stream});
  st.by_stream.erase(it);
}

void schedule(scheduler_ptr self, deadline_update& update) {
  auto& st = self->state;
  forget(self, update.stream);
  if (update.cancelled) return;
  st.by_due.insert({update.due_ms, update.stream});
  st.by_stream.emplace(update.stream, pending_wake_up{update.due_ms, std::move(update.command),
                                                      ++st.generation, false});
  arm(self);
}

void retry_later(scheduler_ptr self, const std::string& stream, std::uint64_t generation) {
  auto& st = self->state;
  auto it = st.by_stream.find(stream);
  if (it == st.by_stream.end() || it->second.generation != generation) return;
  it->second.firing = false;
  it->second.due_ms = now_ms() + st.context->settings.wake_up_retry_ms;
  st.by_due.insert({it->second.due_ms, stream});
  arm(self);
}

void fire(scheduler_ptr self, const std::string& stream) {
  auto& st = self->state;
  auto& wake_up = st.by_stream.at(stream);
  wake_up.firing = true;
  auto command = wake_up.command;
  command.issued_at_ms = now_ms();
  auto generation = wake_up.generation;
  const auto& shard = shard_for(*st.context, command.aggregate_type, command.aggregate_id);
  auto timeout = std::chrono::milliseconds(st.context->settings.command_timeout_ms);
  self->request(shard, timeout, std::move(command))
      .then(
          [self, stream, generation](command_reply& reply) {
            if (transient(reply)) return retry_later(self, stream, generation);
            auto it = self->state.by_stream.find(stream);
            if (it != self->state.by_stream.end() && it->second.generation == generation)
              self->state.by_stream.erase(it);
          },
          [self, stream, generation](caf::error&) { retry_later(self, stream, generation); });
}

void fire_due(scheduler_ptr self) {
  auto& st = self->state;
  st.tick_at = std::numeric_limits<std::int64_t>::max();
  auto now = now_ms();
  while (!st.by_due.empty() && st.by_due.begin()->first <= now) {
    auto stream = st.by_due.begin()->second;
    st.by_due.erase(st.by_due.begin());
    fire(self, stream);
  }
  arm(self);
}

// Recovers the aggregate now, so that it resumes whatever it was doing when the node stopped.
void wake(scheduler_ptr self, const command_envelope& command) {
  const auto& shard = shard_for(*self->state.context, command.aggregate_type, command.aggregate_id);
  self->request(shard, std::chrono::milliseconds(self->state.context->settings.command_timeout_ms),
                query_atom::value, command.aggregate_type, command.aggregate_id)
      .then([](command_reply&) {}, [](caf::error&) {});
}

deadline_scheduler_actor::behavior_type scheduler(scheduler_ptr self, runtime_context* context) {
  self->state.context = context;
  auto loaded = load_deadlines(context->db->kv());
  if (!loaded) {
    std::fprintf(stderr, "ordo: cannot load deadlines: %s\n", loaded.error().message.c_str());
  } else {
    auto now = now_ms();
    for (auto& update : *loaded) {
      if (update.due_ms > now) wake(self, update.command);
      schedule(self, update);
    }
  }
  return {
      [self](deadline_update& update) { schedule(self, update); },
      [self](tick_atom) { fire_due(self); },
      [self](stop_atom) { self->quit(); },
  };
}

}  // namespace

deadline_scheduler_actor spawn_deadline_scheduler(caf::actor_system& system,
                                                  runtime_context* context) {
  return system.spawn(scheduler, context);
}

}  // namespace ordo::actors
