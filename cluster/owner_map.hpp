// Which member of a static cluster owns each shard: rendezvous (highest-random-weight) hashing. A
// shard's owner is the member id with the highest score(id, shard), so it is a pure function of
// the member ids and the shard count: the same on every node, whatever the order of the list and
// whoever is up. Adding a member moves only the shards it now wins (each from its previous owner
// to it); removing one moves only its own. The scores are stable 64-bit hashes (FNV-1a and
// splitmix64), the same on every platform, build and process (std::hash is not): changing them
// would move ownership between the journals of a running cluster.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"

namespace ordo::cluster {

// FNV-1a, 64 bits, over `bytes`.
std::uint64_t fnv1a64(std::string_view bytes);

// splitmix64's finalizer: spreads every input bit over the whole word.
std::uint64_t mix64(std::uint64_t x);

// The weight of `member` for `shard`: the shard-th output of splitmix64 seeded with the member's
// FNV-1a hash.
std::uint64_t rendezvous_score(std::string_view member, std::uint32_t shard);

class owner_map {
 public:
  // Throws std::invalid_argument when `member_ids` is empty or repeats an id, or `shards` is 0
  // (config::load refuses such settings before).
  owner_map(std::vector<std::string> member_ids, std::uint32_t shards);

  // REQUIRES: shard < shards() (throws std::out_of_range otherwise).
  const std::string& owner_of(std::uint32_t shard) const;
  // The shards `member` owns, ascending; empty for an id that is no member.
  std::vector<std::uint32_t> shards_of(std::string_view member) const;
  bool owns(std::string_view member, std::uint32_t shard) const;

  std::uint32_t shards() const { return static_cast<std::uint32_t>(owner_.size()); }
  const std::vector<std::string>& members() const { return members_; }  // sorted

 private:
  std::vector<std::string> members_;  // sorted
  std::vector<std::uint32_t> owner_;  // per shard: its owner's index in members_
};

// The owners under these settings: the members of cluster.nodes, or this node (node.id) alone
// when there are fewer than two (a single node owns every shard).
owner_map make_owner_map(const config::settings& s);

}  // namespace ordo::cluster
