#include "cluster/remote_shard.hpp"

#include <functional>
#include <optional>
#include <unordered_map>

#include "actors/command_call.hpp"
#include "actors/gateway.hpp"
#include "actors/messages.hpp"

namespace ordo::cluster {
namespace {

using actors::aggregate_info;
using actors::command_envelope;
using actors::command_reply;
using actors::make_reply;
using actors::outcome;

struct remote_shard_state {
  static inline const char* name = "ordo.cluster.remote_shard";

  peer_board* board = nullptr;
  forward_settings settings;
  peer_state state = peer_state::connecting;
  endpoint_actor endpoint;
  std::string why;  // what is wrong with the peer while it is not up
  // Forwards sent and not answered yet, by id: each answers its caller (with what a loss means
  // for it) and says which outcome it answered.
  std::unordered_map<std::uint64_t, std::function<outcome(const std::string& why)>> pending;
  std::uint64_t next_id = 0;
};

using remote_shard_ptr = remote_shard_actor::stateful_pointer<remote_shard_state>;

void count(remote_shard_ptr self, outcome code) {
  self->state.board->forwarded[static_cast<std::size_t>(code)].fetch_add(1,
                                                                         std::memory_order_relaxed);
}

// Why nothing may be sent now; nullopt when the request may go.
std::optional<command_reply> refusal(remote_shard_ptr self) {
  auto& st = self->state;
  std::optional<command_reply> reply;
  if (st.state != peer_state::up)
    reply = make_reply(outcome::unavailable, st.why + "; nothing was sent");
  else if (st.pending.size() >= st.settings.window)
    reply = make_reply(outcome::overloaded, st.board->member.id + " has " +
                                                std::to_string(st.pending.size()) +
                                                " forwarded requests in flight "
                                                "(cluster.forward_window); nothing was sent");
  if (reply) count(self, reply->code);
  return reply;
}

// Takes `id` out of the pending forwards; false if it was answered already.
bool settle(remote_shard_ptr self, std::uint64_t id) {
  if (self->state.pending.erase(id) == 0) return false;
  self->state.board->in_flight.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

void lose(remote_shard_ptr self, std::uint64_t id, const std::string& why) {
  auto it = self->state.pending.find(id);
  if (it == self->state.pending.end()) return;
  auto answer = std::move(it->second);
  settle(self, id);
  count(self, answer(why));
}

// Answers every pending forward as lost, at once.
void lose_all(remote_shard_ptr self, const std::string& why) {
  auto pending = std::move(self->state.pending);
  self->state.pending.clear();
  self->state.board->in_flight.fetch_sub(pending.size(), std::memory_order_relaxed);
  for (auto& [id, answer] : pending) count(self, answer(why));
}

outcome outcome_of(const command_reply& reply) {
  return reply.code;
}
template <class Reply>
outcome outcome_of(const Reply&) {
  return outcome::ok;
}

// Sends xs to the peer's endpoint; `deliver` gets its answer, or `lost(why)` when there is none.
template <class Reply, class... Ts>
void forward(remote_shard_ptr self, std::function<void(Reply)> deliver,
             std::function<Reply(const std::string& why)> lost, Ts... xs) {
  auto& st = self->state;
  auto id = ++st.next_id;
  st.pending.emplace(id, [deliver, lost](const std::string& why) {
    auto reply = lost(why);
    auto code = outcome_of(reply);
    deliver(std::move(reply));
    return code;
  });
  st.board->in_flight.fetch_add(1, std::memory_order_relaxed);
  self->request(st.endpoint, std::chrono::milliseconds(st.settings.timeout_ms), std::move(xs)...)
      .then(
          [self, id, deliver](Reply& reply) {
            if (!settle(self, id)) return;
            count(self, outcome_of(reply));
            deliver(std::move(reply));
          },
          [self, id](caf::error& e) {
            auto& st = self->state;
            lose(self, id,
                 e == caf::sec::request_timeout ? st.board->member.id + " did not answer within " +
                                                      std::to_string(st.settings.timeout_ms) + " ms"
                                                : st.board->member.id + " failed the request (" +
                                                      self->system().render(e) + ")");
          });
}

// What a lost answer means: for a command, that it may have been applied there.
std::function<command_reply(const std::string&)> lost_command() {
  return [](const std::string& why) { return actors::outcome_unknown_reply(why); };
}
// For a read, only that there is no answer.
std::function<command_reply(const std::string&)> lost_read() {
  return
      [](const std::string& why) { return make_reply(outcome::unavailable, why + "; no answer"); };
}

void on_link(remote_shard_ptr self, link_update& update) {
  auto& st = self->state;
  // A new endpoint while up: the peer restarted before its old one was seen to go. What was sent
  // to the old one will not be answered.
  if (update.state == peer_state::up && st.state == peer_state::up && st.endpoint &&
      st.endpoint != update.endpoint)
    lose_all(self, st.board->member.id + " restarted before it answered");
  st.state = update.state;
  st.endpoint = std::move(update.endpoint);
  st.why = std::move(update.why);
  if (st.state != peer_state::up) lose_all(self, st.why + " before it answered");
}

// (snapshot_atom|query_atom, type, id) from a CAF request: relayed, or refused.
template <class Atom>
caf::result<command_reply> relay_read(remote_shard_ptr self, Atom atom, std::string type,
                                      std::string id) {
  if (auto refused = refusal(self)) return std::move(*refused);
  auto rp = self->make_response_promise<command_reply>();
  forward<command_reply>(
      self, [rp](command_reply r) mutable { rp.deliver(std::move(r)); }, lost_read(), atom,
      std::move(type), std::move(id));
  return rp;
}

remote_shard_actor::behavior_type remote_shard(remote_shard_ptr self, peer_board* board, forward_settings settings) {
  auto& st = self->state;
  st.board = board;
  st.settings = settings;
  st.why = board->member.id + " is not connected yet";
  return {
      [self](link_update& update) { on_link(self, update); },
      // A gateway call: handed over here, and from the moment it is sent a lost answer is
      // outcome_unknown (accept(): even a ticket dropped with this actor says so).
      [self](actors::tracked_command& call) {
        if (!call.reply.hand_over()) return;  // its caller gave up: nothing is sent
        if (auto refused = refusal(self)) {
          call.reply.complete(std::move(*refused));
          return;
        }
        call.reply.accept();
        forward<command_reply>(
            self, [ticket = call.reply](command_reply r) { ticket.complete(std::move(r)); },
            lost_command(), std::move(call.envelope));
      },
      [self](actors::tracked_query& query) {
        if (!query.reply.hand_over()) return;
        if (auto refused = refusal(self)) {
          query.reply.complete(std::move(*refused));
          return;
        }
        forward<command_reply>(
            self, [ticket = query.reply](command_reply r) { ticket.complete(std::move(r)); },
            lost_read(), actors::query_atom::value, std::move(query.aggregate_type),
            std::move(query.aggregate_id));
      },
      // A saga's request: always answered, so that the saga sends again or moves on.
      [self](command_envelope& envelope) -> caf::result<command_reply> {
        if (auto refused = refusal(self)) return std::move(*refused);
        auto rp = self->make_response_promise<command_reply>();
        forward<command_reply>(
            self, [rp](command_reply r) mutable { rp.deliver(std::move(r)); }, lost_command(),
            std::move(envelope));
        return rp;
      },
      [self](actors::query_atom atom, std::string& type, std::string& id) {
        return relay_read(self, atom, std::move(type), std::move(id));
      },
      [self](actors::snapshot_atom atom, std::string& type, std::string& id) {
        return relay_read(self, atom, std::move(type), std::move(id));
      },
      [self](actors::inspect_atom atom, std::string& type,
             std::string& id) -> caf::result<aggregate_info> {
        if (refusal(self)) return aggregate_info{type, id};
        auto rp = self->make_response_promise<aggregate_info>();
        std::function<aggregate_info(const std::string&)> lost = [type, id](const std::string&) {
          return aggregate_info{type, id};
        };
        forward<aggregate_info>(
            self, [rp](aggregate_info info) mutable { rp.deliver(std::move(info)); }, lost, atom,
            type, id);
        return rp;
      },
      [self](actors::passivate_atom atom, std::string& type, std::string& id) -> caf::result<bool> {
        if (refusal(self)) return false;
        auto rp = self->make_response_promise<bool>();
        std::function<bool(const std::string&)> lost = [](const std::string&) { return false; };
        forward<bool>(
            self, [rp](bool live) mutable { rp.deliver(live); }, lost, atom, std::move(type),
            std::move(id));
        return rp;
      },
      // What a shard hears from its own aggregates and the journal's writer: a stand-in runs no
      // aggregate, so none of these comes here.
      [](actors::idle_atom) {},
      [](actors::busy_atom, bool) {},
      [](const actors::written_batch&) {},
      [](actors::tick_atom) {},
      // Live aggregates of this node: it runs none of the peer's.
      [](actors::inspect_atom, const std::string&, std::uint64_t) {
        return std::vector<aggregate_info>{};
      },
      [self](owner_read& read) -> caf::result<owner_read_reply> {
        if (auto refused = refusal(self)) return owner_read_reply{.body = refused->message};
        auto rp = self->make_response_promise<owner_read_reply>();
        std::function<owner_read_reply(const std::string&)> lost = [](const std::string& why) {
          return owner_read_reply{.body = why + "; no answer"};
        };
        forward<owner_read_reply>(
            self, [rp](owner_read_reply r) mutable { rp.deliver(std::move(r)); }, lost,
            std::move(read));
        return rp;
      },
      [self](actors::stop_atom) {
        lose_all(self, "this node is stopping");
        self->quit();
      },
  };
}

}  // namespace

remote_shard_actor spawn_remote_shard(caf::actor_system& system, peer_board* board,
                                      forward_settings settings) {
  return system.spawn(remote_shard, board, settings);
}

}  // namespace ordo::cluster
