// What crosses between ordo's nodes: the handshake, and the endpoint interface each node publishes
// on its cluster port (a typed actor, so that the compiler checks what is sent to it). Commands,
// replies and inspection results are the actors' own types (actors/messages.hpp); this block adds
// the cluster's, with ids after the actors' block. A missing registration is not a compile error
// (the receiver gets an empty message): tests/unit/cluster round-trips every wire message.
#pragma once

#include <caf/all.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "actors/messages.hpp"

namespace ordo::cluster {

// Both sides of a handshake send this. Nothing crosses between nodes that disagree on any of it:
// another fingerprint (shards, member ids, wire version) would place aggregates differently, and
// other heartbeat settings make CAF drop healthy idle connections.
struct node_hello {
  std::string node_id;
  std::string fingerprint;
  std::uint32_t wire_version = 0;
  std::int64_t heartbeat_ms = 0;
  std::int64_t connection_timeout_ms = 0;
  bool operator==(const node_hello&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_hello& x) {
  return f(caf::meta::type_name("ordo.node_hello"), x.node_id, x.fingerprint, x.wire_version,
           x.heartbeat_ms, x.connection_timeout_ms);
}

// One name and value: a path parameter, a query parameter or a header of a forwarded read.
struct name_value {
  std::string name;
  std::string value;
  bool operator==(const name_value&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, name_value& x) {
  return f(caf::meta::type_name("ordo.name_value"), x.name, x.value);
}

// A read another member runs on its own journal and views: of one aggregate's data that only its
// owner holds (its events, its history, its view row), or its part of a read of the whole
// cluster's views (the order listing, the stats), which the asking node merges. The node that
// took the HTTP request, having checked it (auth, input), asks the member to run the route itself.
struct owner_read {
  std::string route;                // the route's template, e.g. "/v1/orders/{id}/events"
  std::vector<name_value> params;   // its path parameters
  std::vector<name_value> query;    // the request's query parameters
  std::vector<name_value> headers;  // the few that reads use (X-Consistency-Token)
  std::string request_id;
  bool operator==(const owner_read&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, owner_read& x) {
  return f(caf::meta::type_name("ordo.owner_read"), x.route, x.params, x.query, x.headers,
           x.request_id);
}

// The owner's HTTP answer to an owner_read; status 0: no answer (`body` says why).
struct owner_read_reply {
  std::int32_t status = 0;
  std::string content_type;
  std::vector<name_value> headers;
  std::string body;
  bool operator==(const owner_read_reply&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, owner_read_reply& x) {
  return f(caf::meta::type_name("ordo.owner_read_reply"), x.status, x.content_type, x.headers,
           x.body);
}

// Runs an owner_read on this node (the HTTP layer's; it may block).
using owner_read_handler = std::function<owner_read_reply(const owner_read&)>;

// Why `theirs` may not exchange anything with `ours` (who expected the peer `expected_id`);
// empty when it may.
std::string incompatibility(const node_hello& ours, const node_hello& theirs,
                            const std::string& expected_id);

}  // namespace ordo::cluster

CAF_BEGIN_TYPE_ID_BLOCK(ordo_cluster, caf::id_block::ordo::end)
CAF_ADD_TYPE_ID(ordo_cluster, (ordo::cluster::node_hello))
CAF_ADD_TYPE_ID(ordo_cluster, (ordo::cluster::owner_read))
CAF_ADD_TYPE_ID(ordo_cluster, (ordo::cluster::owner_read_reply))
CAF_ADD_ATOM(ordo_cluster, ordo::cluster, hello_atom, "hello")  // the handshake
CAF_END_TYPE_ID_BLOCK(ordo_cluster)

namespace ordo::cluster {

// The actor a node publishes on its cluster port. It hands what it receives to this node's own
// shard of the key and refuses keys it does not own (unavailable; nothing applied).
//   (hello_atom, node_hello, endpoint)       -> this node's node_hello. Of each pair of members
//       only one connects (cluster/peers.hpp), and its hello brings its own endpoint: the other
//       learns it over that one connection instead of opening a second one.
//   command_envelope                         -> command_reply (from the aggregate)
//   (query_atom, type, id)                   -> command_reply with the state
//   (snapshot_atom, type, id)                -> command_reply
//   (inspect_atom, type, id)                 -> aggregate_info
//   (passivate_atom, type, id)               -> bool (whether it was live)
//   owner_read                               -> owner_read_reply (run by the HTTP layer on a
//                                               thread of its own: it may wait for a view)
using endpoint_actor = caf::typed_actor<
    caf::replies_to<hello_atom, node_hello, caf::strong_actor_ptr>::with<node_hello>,
    caf::replies_to<actors::command_envelope>::with<actors::command_reply>,
    caf::replies_to<actors::query_atom, std::string, std::string>::with<actors::command_reply>,
    caf::replies_to<actors::snapshot_atom, std::string, std::string>::with<actors::command_reply>,
    caf::replies_to<actors::inspect_atom, std::string, std::string>::with<actors::aggregate_info>,
    caf::replies_to<actors::passivate_atom, std::string, std::string>::with<bool>,
    caf::replies_to<owner_read>::with<owner_read_reply>>;

// Registers every type that crosses nodes (the actors' block and the cluster's).
inline void add_wire_types(caf::actor_system_config& config) {
  config.add_message_types<caf::id_block::ordo>();
  config.add_message_types<caf::id_block::ordo_cluster>();
}

}  // namespace ordo::cluster
