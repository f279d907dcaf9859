#include "cluster/endpoint.hpp"

#include "actors/gateway.hpp"
#include "actors/shard.hpp"

namespace ordo::cluster {
namespace {

using actors::aggregate_info;
using actors::command_envelope;
using actors::command_reply;

struct endpoint_state {
  static inline const char* name = "ordo.cluster.endpoint";
  node_hello hello;
  std::vector<actors::shard_actor> shards;
  caf::actor links;
  owner_read_handler reads;
};

// Runs one owner_read on a thread of its own, answers it, and quits: a read may wait for a view
// (a consistency token), which must not hold a CAF worker.
caf::behavior read_worker(caf::event_based_actor* self, owner_read_handler reads) {
  return {
      [self, reads](owner_read& read) {
        self->quit();
        return reads(read);
      },
  };
}

using endpoint_ptr = endpoint_actor::stateful_pointer<endpoint_state>;

// This node's shard of (type, id), or an invalid handle when another node owns it.
const actors::shard_actor* local_shard(endpoint_ptr self, const std::string& type, const std::string& id) {
  auto& shards = self->state.shards;
  auto index = actors::shard_of(type, id, static_cast<std::uint32_t>(shards.size()));
  return shards[index] ? &shards[index] : nullptr;
}

command_reply not_owned(endpoint_ptr self, const std::string& type, const std::string& id) {
  auto shard = actors::shard_of(type, id, static_cast<std::uint32_t>(self->state.shards.size()));
  return actors::make_reply(actors::outcome::unavailable,
                            self->state.hello.node_id + " does not own " + type + " " + id +
                                " (shard " + std::to_string(shard) + "); nothing was applied");
}

// Hands xs to the local shard of (type, id), which answers the requester; `refused` otherwise.
template <class Reply, class... Ts>
caf::result<Reply> hand_to_shard(endpoint_ptr self, const std::string& type, const std::string& id,
                                 Reply refused, Ts... xs) {
  auto* shard = local_shard(self, type, id);
  if (!shard) return refused;
  auto rp = self->make_response_promise<Reply>();
  rp.delegate(*shard, std::move(xs)...);
  return rp;
}

endpoint_actor::behavior_type endpoint(endpoint_ptr self, node_hello hello,
                                       std::vector<actors::shard_actor> shards, caf::actor links,
                                       owner_read_handler reads) {
  self->state.reads = std::move(reads);
  self->state.hello = std::move(hello);
  self->state.shards = std::move(shards);
  self->state.links = std::move(links);
  if (self->state.shards.empty()) self->state.shards.emplace_back();
  return {
      [self](hello_atom, node_hello& theirs, caf::strong_actor_ptr& their_endpoint) {
        caf::anon_send(self->state.links, greeted_atom::value, std::move(theirs),
                       std::move(their_endpoint));
        return self->state.hello;
      },
      [self](command_envelope& command) -> caf::result<command_reply> {
        auto type = command.aggregate_type;
        auto id = command.aggregate_id;
        return hand_to_shard(self, type, id, not_owned(self, type, id), std::move(command));
      },
      [self](actors::query_atom atom, std::string& type,
             std::string& id) -> caf::result<command_reply> {
        return hand_to_shard(self, type, id, not_owned(self, type, id), atom, type, id);
      },
      [self](actors::snapshot_atom atom, std::string& type,
             std::string& id) -> caf::result<command_reply> {
        return hand_to_shard(self, type, id, not_owned(self, type, id), atom, type, id);
      },
      [self](actors::inspect_atom atom, std::string& type,
             std::string& id) -> caf::result<aggregate_info> {
        return hand_to_shard(self, type, id, aggregate_info{type, id}, atom, type, id);
      },
      [self](actors::passivate_atom atom, std::string& type, std::string& id) -> caf::result<bool> {
        return hand_to_shard(self, type, id, false, atom, type, id);
      },
      [self](owner_read& read) -> caf::result<owner_read_reply> {
        if (!self->state.reads)
          return owner_read_reply{.body = self->state.hello.node_id + " serves no reads"};
        auto worker = self->spawn<caf::detached>(read_worker, self->state.reads);
        auto rp = self->make_response_promise<owner_read_reply>();
        rp.delegate(worker, std::move(read));
        return rp;
      },
  };
}

}  // namespace

endpoint_actor spawn_endpoint(caf::actor_system& system, node_hello hello,
                              std::vector<actors::shard_actor> local_shards, caf::actor links,
                              owner_read_handler reads) {
  return system.spawn(endpoint, std::move(hello), std::move(local_shards), std::move(links),
                      std::move(reads));
}

}  // namespace ordo::cluster
