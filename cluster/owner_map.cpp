#include "cluster/owner_map.hpp"

#include <algorithm>
#include <stdexcept>

namespace ordo::cluster {

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t rendezvous_score(std::string_view member, std::uint32_t shard) {
  // splitmix64's stream: seed + (i + 1) * golden gamma, then the finalizer.
  return mix64(fnv1a64(member) + 0x9e3779b97f4a7c15ull * (std::uint64_t{shard} + 1));
}

owner_map::owner_map(std::vector<std::string> member_ids, std::uint32_t shards)
    : members_(std::move(member_ids)) {
  if (members_.empty()) throw std::invalid_argument("owner_map: no members");
  if (shards == 0) throw std::invalid_argument("owner_map: no shards");
  std::sort(members_.begin(), members_.end());
  if (auto repeated = std::adjacent_find(members_.begin(), members_.end());
      repeated != members_.end())
    throw std::invalid_argument("owner_map: member " + *repeated + " is listed twice");
  owner_.resize(shards);
  for (std::uint32_t shard = 0; shard < shards; ++shard) {
    std::uint32_t best = 0;
    auto best_score = rendezvous_score(members_[0], shard);
    for (std::uint32_t m = 1; m < members_.size(); ++m) {
      // A tie (2^-64) goes to the greater id, as members_ is sorted: independent of list order.
      if (auto score = rendezvous_score(members_[m], shard); score >= best_score) {
        best = m;
        best_score = score;
      }
    }
    owner_[shard] = best;
  }
}

const std::string& owner_map::owner_of(std::uint32_t shard) const {
  return members_[owner_.at(shard)];
}

std::vector<std::uint32_t> owner_map::shards_of(std::string_view member) const {
  std::vector<std::uint32_t> owned;
  for (std::uint32_t shard = 0; shard < owner_.size(); ++shard)
    if (members_[owner_[shard]] == member) owned.push_back(shard);
  return owned;
}

bool owner_map::owns(std::string_view member, std::uint32_t shard) const {
  return shard < owner_.size() && members_[owner_[shard]] == member;
}

owner_map make_owner_map(const config::settings& s) {
  std::vector<std::string> ids;
  if (s.cluster.clustered()) {
    for (const auto& member : s.cluster.nodes) ids.push_back(member.id);
  } else {
    ids.push_back(s.node.id);
  }
  return owner_map(std::move(ids), s.cluster.shards);
}

}  // namespace ordo::cluster
