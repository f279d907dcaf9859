#include "actors/shard.hpp"

#include <list>
#include <unordered_map>

#include "actors/command_call.hpp"
#include "actors/messages.hpp"
#include "actors/write_completion.hpp"
#include "domain/aggregate_types.hpp"

namespace ordo::actors {
namespace {

using namespace std::chrono_literals;

// How often a shard looks for idle aggregates.
constexpr auto sweep_interval = std::chrono::milliseconds(1000);

std::string key_of(std::string_view type, std::string_view id) {
  std::string key;
  key.reserve(type.size() + id.size() + 1);
  key.append(type).push_back('/');
  key.append(id);
  return key;
}

command_reply unavailable(std::string message) {
  command_reply reply;
  reply.code = outcome::unavailable;
  reply.message = std::move(message);
  return reply;
}

struct shard_state {
  static inline const char* name = "ordo.shard";

  struct entry {
    caf::actor actor;
    std::string type;
    std::string id;
    std::list<std::string>::iterator lru;  // position in `recency`
    std::int64_t last_used_ms = 0;
    bool stopping = false;
    // It awaits answers to commands it sent (a saga's step): not passivated until they are in.
    bool busy = false;
    // A passivation it refused, or one asked for while it was busy: done once it is settled.
    bool passivate_when_settled = false;
    // Deliveries held back while the actor stops; replayed to its successor.
    struct held_delivery {
      std::function<void(const caf::actor&)> deliver;
      std::function<void(command_reply)> refuse;
    };
    std::vector<held_delivery> held;
  };
  struct backoff {
    std::int64_t until_ms = 0;
    std::int64_t delay_ms = 0;
  };

  runtime_context* context = nullptr;
  std::uint32_t host = 0;  // which of the node's shard hosts
  std::size_t max_live = 0;
  std::unordered_map<std::string, entry> live;
  std::unordered_map<caf::actor_addr, std::string> key_by_addr;
  std::list<std::string> recency;  // front: most recently used
  std::unordered_map<std::string, backoff> failing;
  // Set by stop_atom: no aggregate is spawned or reached any more, and the shard quits once the
  // last of its aggregates is gone.
  bool shutting_down = false;
};

using shard_ptr = shard_actor::stateful_pointer<shard_state>;

void begin_passivation(shard_state::entry& e) {
  if (e.stopping) return;
  e.stopping = true;
  caf::anon_send(e.actor, passivate_atom::value);  // a typed actor sends untyped ones nothing
}

// Passivates least recently used aggregates while the shard holds more than its share. Never the
// most recent one, which is being used now: while busy ones hold the others' places, that one
// would otherwise be passivated as soon as it is spawned, again and again.
void enforce_max_live(shard_ptr self) {
  auto& st = self->state;
  std::size_t running = st.live.size();
  if (st.recency.empty()) return;
  auto most_recent = std::prev(st.recency.rend());
  for (auto it = st.recency.rbegin(); running > st.max_live && it != most_recent; ++it) {
    auto& e = st.live.at(*it);
    if (!e.stopping && !e.busy) {
      begin_passivation(e);
      --running;
    }
  }
}

// Finds or spawns the aggregate for (type, id) and hands it `deliver`. Returns false (and
// delivers nothing) when the type is unknown or the aggregate is backing off after failures.
template <class Deliver, class Refuse>
void route(shard_ptr self, const std::string& type, const std::string& id, Deliver deliver,
           Refuse refuse) {
  auto& st = self->state;
  if (st.shutting_down) return refuse(unavailable("the node is stopping"));
  auto key = key_of(type, id);
  auto now = now_ms();
  if (auto f = st.failing.find(key); f != st.failing.end() && f->second.until_ms > now)
    return refuse(unavailable(type + " " + id + " failed to recover; retrying after back-off"));
  auto it = st.live.find(key);
  if (it == st.live.end()) {
    auto actor = st.context->spawn_aggregate(*self, type, id);
    if (!actor) {
      command_reply reply;
      reply.code = outcome::not_found;
      reply.message = "unknown aggregate type " + type;
      return refuse(std::move(reply));
    }
    self->monitor(actor);
    st.key_by_addr.emplace(actor.address(), key);
    st.recency.push_front(key);
    it = st.live.emplace(key, shard_state::entry{actor, type, id, st.recency.begin(), now}).first;
    st.context->stats.aggregates_live.fetch_add(1, std::memory_order_relaxed);
    enforce_max_live(self);
  }
  auto& e = it->second;
  e.last_used_ms = now;
  st.recency.splice(st.recency.begin(), st.recency, e.lru);
  if (e.stopping) {
    e.held.push_back({std::move(deliver), std::move(refuse)});
    return;
  }
  deliver(e.actor);
}

// Whether (type, id) has no live actor and no events. A read of such an aggregate is answered by
// the shard itself: spawning an actor for it would keep one alive per unknown id until it idles
// out. Any live actor, even one that is stopping, knows more than the journal: ask it.
bool never_written(shard_ptr self, const std::string& type, const std::string& id) {
  auto& st = self->state;
  if (st.shutting_down || st.live.count(key_of(type, id)) > 0) return false;
  auto version = st.context->db->events().highest_version(type + "-" + id);
  return version && *version == 0;
}

command_reply does_not_exist(const std::string& type, const std::string& id) {
  command_reply reply;
  reply.code = outcome::not_found;
  reply.message = type + " " + id + " does not exist";
  return reply;
}

// Hands a request's command to its aggregate, which answers the requester.
caf::result<command_reply> route_command(shard_ptr self, command_envelope envelope) {
  auto rp = self->make_response_promise<command_reply>();
  auto type = envelope.aggregate_type;
  auto id = envelope.aggregate_id;
  route(
      self, type, id,
      [rp, envelope = std::move(envelope)](const caf::actor& a) mutable {
        rp.delegate(a, std::move(envelope));
      },
      [rp](command_reply refusal) mutable { rp.deliver(std::move(refusal)); });
  return rp;
}

// Hands a call of this node's gateway (a tracked_command or tracked_query) to its aggregate,
// which completes the caller itself; only if the caller has not given up waiting: then nobody
// hears of it any more, and it is dropped unapplied (actors/command_call.hpp).
template <class Tracked>
void hand_to_aggregate(shard_ptr self, std::string type, std::string id, Tracked message) {
  auto ticket = message.reply;
  route(
      self, type, id,
      [message = std::move(message)](const caf::actor& a) mutable {
        if (message.reply.hand_over()) caf::anon_send(a, std::move(message));
      },
      [ticket = std::move(ticket)](command_reply refusal) { ticket.complete(std::move(refusal)); });
}

void route_call(shard_ptr self, tracked_command command) {
  auto type = command.envelope.aggregate_type;
  auto id = command.envelope.aggregate_id;
  hand_to_aggregate(self, std::move(type), std::move(id), std::move(command));
}

// A read of an aggregate never written is answered here, without spawning it.
void route_query(shard_ptr self, tracked_query query) {
  if (never_written(self, query.aggregate_type, query.aggregate_id)) {
    query.reply.complete(does_not_exist(query.aggregate_type, query.aggregate_id));
    return;
  }
  auto type = query.aggregate_type;
  auto id = query.aggregate_id;
  hand_to_aggregate(self, std::move(type), std::move(id), std::move(query));
}

void on_down(shard_ptr self, const caf::down_msg& down) {
  auto& st = self->state;
  auto k = st.key_by_addr.find(down.source);
  if (k == st.key_by_addr.end()) return;
  auto key = std::move(k->second);
  st.key_by_addr.erase(k);
  auto it = st.live.find(key);
  if (it == st.live.end()) return;
  auto e = std::move(it->second);
  st.recency.erase(e.lru);
  st.live.erase(it);
  st.context->stats.aggregates_live.fetch_sub(1, std::memory_order_relaxed);
  if (e.stopping && !down.reason)
    st.context->stats.passivated.fetch_add(1, std::memory_order_relaxed);

  auto now = now_ms();
  if (is_recovery_failure(down.reason)) {
    auto& b = st.failing[key];
    auto& s = st.context->settings;
    b.delay_ms = b.delay_ms == 0 ? s.recovery_backoff_ms
                                 : std::min(b.delay_ms * 2, s.recovery_backoff_max_ms);
    b.until_ms = now + b.delay_ms;
  } else {
    st.failing.erase(key);
    if (down.reason && down.reason != caf::exit_reason::user_shutdown &&
        down.reason != journal_failed())
      st.context->stats.aggregate_crashes.fetch_add(1, std::memory_order_relaxed);
  }
  // Messages that waited for the hand-off go to a fresh incarnation, in their original order.
  for (auto& h : e.held) route(self, e.type, e.id, std::move(h.deliver), std::move(h.refuse));
  if (st.shutting_down && st.live.empty()) self->quit();
}

// The live entry of the aggregate that sent the current message, or null.
shard_state::entry* sender_entry(shard_ptr self) {
  auto& st = self->state;
  auto k = st.key_by_addr.find(caf::actor_cast<caf::actor_addr>(self->current_sender()));
  if (k == st.key_by_addr.end()) return nullptr;
  auto it = st.live.find(k->second);
  return it == st.live.end() ? nullptr : &it->second;
}

// An aggregate starts or stops awaiting answers. One that is stopping and says it is busy has
// refused the passivation: it keeps running, and gets what was held for its successor.
void on_busy(shard_ptr self, bool busy) {
  auto* e = sender_entry(self);
  if (!e) return;
  e->busy = busy;
  if (busy) {
    if (!e->stopping) return;
    e->stopping = false;
    e->passivate_when_settled = true;
    auto held = std::move(e->held);
    e->held.clear();
    for (auto& h : held) h.deliver(e->actor);
    return;
  }
  if (e->passivate_when_settled) {
    e->passivate_when_settled = false;
    begin_passivation(*e);
  } else {
    enforce_max_live(self);  // it may have kept the shard over its share
  }
}

void sweep_idle(shard_ptr self) {
  auto& st = self->state;
  auto horizon = now_ms() - st.context->settings.idle_timeout_ms;
  for (auto it = st.recency.rbegin(); it != st.recency.rend(); ++it) {
    auto& e = st.live.at(*it);
    if (e.last_used_ms > horizon) break;  // everything further front is more recent
    if (!e.busy) begin_passivation(e);
  }
  for (auto it = st.failing.begin(); it != st.failing.end();) {
    it = it->second.until_ms + st.context->settings.recovery_backoff_max_ms < now_ms()
             ? st.failing.erase(it)
             : std::next(it);
  }
}

}  // namespace

std::uint32_t shard_of(std::string_view type, std::string_view id, std::uint32_t shards) {
  // FNV-1a over the placement key "<placement type>/<id>" (domain::placement_key, fed in parts so
  // that no string is built per message): stable across processes, builds and platforms
  // (std::hash is not). FNV's offset basis, 14695981039346656037 (it read 1469598103934665603, a
  // digit short, before clusters: no stored record holds a shard number, so the fix moved nothing
  // that lasts; from now on, changing this function moves streams between members' journals).
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(domain::placement_type(type));
  mix("/");
  mix(id);
  return static_cast<std::uint32_t>(h % (shards == 0 ? 1 : shards));
}

namespace {

shard_actor::behavior_type shard_behavior(shard_ptr self, runtime_context* context,
                                          std::uint32_t host) {
  auto& st = self->state;
  st.context = context;
  st.host = host;
  // The node's max_live shared by the hosts of the shards that run here: a cluster member's
  // other shards are stand-ins for those other nodes own and run no aggregate.
  auto hosts = std::max<std::uint32_t>(1, context->shard_hosts);
  st.max_live = std::max<std::size_t>(1, (context->settings.max_live + hosts - 1) / hosts);
  self->set_down_handler([self](caf::down_msg& down) { on_down(self, down); });
  self->delayed_send(self, sweep_interval, tick_atom::value);

  return {
      // An aggregate about to stop (after a failure): hold its messages for the next incarnation.
      [self](idle_atom) {
        if (auto* e = sender_entry(self)) begin_passivation(*e);
      },
      [self](busy_atom, bool busy) { on_busy(self, busy); },
      [self](const written_batch& batch) { deliver_written(batch); },
      [self](command_envelope& envelope) -> caf::result<command_reply> {
        return route_command(self, std::move(envelope));
      },
      [self](tracked_command& command) { route_call(self, std::move(command)); },
      [self](tracked_query& query) { route_query(self, std::move(query)); },
      [self](query_atom, const std::string& type,
             const std::string& id) -> caf::result<command_reply> {
        if (never_written(self, type, id)) return does_not_exist(type, id);
        auto rp = self->make_response_promise<command_reply>();
        route(
            self, type, id,
            [rp](const caf::actor& a) mutable { rp.delegate(a, query_atom::value); },
            [rp](command_reply refusal) mutable { rp.deliver(std::move(refusal)); });
        return rp;
      },
      [self](snapshot_atom, const std::string& type,
             const std::string& id) -> caf::result<command_reply> {
        if (never_written(self, type, id)) return does_not_exist(type, id);
        auto rp = self->make_response_promise<command_reply>();
        route(
            self, type, id,
            [rp](const caf::actor& a) mutable { rp.delegate(a, snapshot_atom::value); },
            [rp](command_reply refusal) mutable { rp.deliver(std::move(refusal)); });
        return rp;
      },
      [self](inspect_atom, const std::string& type,
             const std::string& id) -> caf::result<aggregate_info> {
        if (never_written(self, type, id)) return aggregate_info{type, id};
        auto rp = self->make_response_promise<aggregate_info>();
        route(
            self, type, id,
            [rp](const caf::actor& a) mutable { rp.delegate(a, inspect_atom::value, true); },
            [rp, type, id](command_reply) mutable {
              rp.deliver(aggregate_info{type, id});
            });
        return rp;
      },
      [self](passivate_atom, const std::string& type, const std::string& id) -> bool {
        auto it = self->state.live.find(key_of(type, id));
        if (it == self->state.live.end()) return false;
        if (it->second.busy)
          it->second.passivate_when_settled = true;  // its answers would be lost
        else
          begin_passivation(it->second);
        return true;
      },
      [self](inspect_atom, const std::string& type,
             std::uint64_t limit) -> caf::result<std::vector<aggregate_info>> {
        auto rp = self->make_response_promise<std::vector<aggregate_info>>();
        std::vector<caf::actor> targets;
        for (auto& key : self->state.recency) {
          if (targets.size() >= limit) break;
          auto& e = self->state.live.at(key);
          if (!e.stopping && (type.empty() || e.type == type)) targets.push_back(e.actor);
        }
        if (targets.empty()) {
          rp.deliver(std::vector<aggregate_info>{});
          return rp;
        }
        // Each aggregate reports on itself (only it may read its own mailbox size).
        auto gathered = std::make_shared<std::vector<aggregate_info>>();
        auto remaining = std::make_shared<std::size_t>(targets.size());
        auto finish_one = [rp, gathered, remaining]() mutable {
          if (--*remaining == 0) rp.deliver(std::move(*gathered));
        };
        for (auto& target : targets) {
          self->request(target, std::chrono::seconds(2), inspect_atom::value, false)
              .then(
                  [gathered, finish_one](aggregate_info& info) mutable {
                    gathered->push_back(std::move(info));
                    finish_one();
                  },
                  [finish_one](caf::error&) mutable { finish_one(); });
        }
        return rp;
      },
      [self](tick_atom) {
        sweep_idle(self);
        self->delayed_send(self, sweep_interval, tick_atom::value);
      },
      // Quits only after every aggregate it spawned is gone, so that whoever waits for the
      // shard (the runtime's shutdown) knows that no aggregate still runs and may then release
      // what they use (the runtime context's actor handles).
      [self](stop_atom) {
        auto& st = self->state;
        st.shutting_down = true;
        for (auto& [key, e] : st.live) self->send_exit(e.actor, caf::exit_reason::user_shutdown);
        if (st.live.empty()) self->quit();
      },
  };
}

}  // namespace

shard_actor spawn_shard(caf::actor_system& system, runtime_context* context, std::uint32_t host) {
  return system.spawn(shard_behavior, context, host);
}

}  // namespace ordo::actors
