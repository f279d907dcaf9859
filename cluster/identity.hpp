// The data directory's identity: which node it belongs to and in which cluster. Each node keeps
// its own journal and a shard's owner is a function of the member ids and the shard count, so a
// directory started as another node, or in a cluster with other members or another shard count,
// would start a second history of streams another journal holds. `ordo serve` checks it before it
// opens the runtime.
//
// The identity is a small JSON file in the data directory, `ordo-node.json` (not a kv record: it
// is read before RocksDB opens, an operator can read and, knowingly, remove it, and `ordo export`
// does not carry it into a copy that may become another node). It is written atomically (a
// temporary file, fsync, link or rename, fsync of the directory) and records
//   {"format":1,"node":"n1","shards":256,"members":["n1","n2","n3"],"wire_version":1,
//    "fingerprint":"..."}
// where "members" is empty for a single node (fewer than two members).
//
// The rules at each start:
//   - no file (a new directory, or one written before clusters existed): the start records its
//     identity and goes on (adopts the directory, whatever it holds);
//   - a single node's directory started as a single node: goes on whatever node.id and
//     cluster.shards are (a single node owns every stream either way) and records them;
//   - otherwise the node id, and for a cluster member the shard count and the member ids, must be
//     the recorded ones: a cluster member's directory does not start as a single node (it would
//     write streams other members own), nor a single node's as a cluster member; each refusal is
//     one line saying why. A different wire version (an upgrade of the whole cluster) is recorded
//     anew: peers compare wire versions in their handshake.
// Removing the file lets the next start adopt the directory.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "config/settings.hpp"

namespace ordo::cluster {

inline constexpr std::string_view identity_file_name = "ordo-node.json";

// The cluster's fingerprint: 16 hex digits of a stable hash of the wire version, the shard count
// and the sorted member ids (a cluster of fewer than two members has none: it is a single node).
// Hosts, ports, heartbeats and TLS are not in it: they may differ between starts. Peers compare
// it in their handshake; the data directory records it.
std::string fingerprint(const config::cluster_settings& cluster);

// Records the identity on a first start, or checks it against the recorded one (see above);
// creates `data_dir` if it does not exist. The error is one line naming the directory and why.
// `s` must have passed config::load.
std::expected<void, std::string> check_identity(const std::filesystem::path& data_dir,
                                                const config::settings& s);

}  // namespace ordo::cluster
