#include "actors/remembered_commands.hpp"

namespace ordo::actors {

std::uint8_t outcome_code_index(std::string_view code) {
  for (std::uint8_t i = 0; i < std::size(outcome_codes); ++i)
    if (outcome_codes[i] == code) return i;
  return outcome_code_index("unavailable");
}

std::uint64_t hash_command_id(std::string_view id) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h == 0 ? 1 : h;
}

std::optional<remembered_outcome> remembered_commands::find(std::string_view command_id) const {
  if (command_id.empty()) return std::nullopt;
  auto h = hash_command_id(command_id);
  for (auto& r : ring_)
    if (r.id_hash == h) return r;
  return std::nullopt;
}

void remembered_commands::remember(std::string_view command_id, std::uint64_t version,
                                   std::uint64_t position, std::string_view code) {
  if (command_id.empty()) return;
  remember({hash_command_id(command_id), version, position, outcome_code_index(code)});
}

void remembered_commands::remember(const remembered_outcome& outcome) {
  if (capacity_ == 0) return;
  if (ring_.size() < capacity_) {
    ring_.push_back(outcome);
    return;
  }
  ring_[next_] = outcome;
  next_ = (next_ + 1) % capacity_;
}

std::vector<remembered_outcome> remembered_commands::entries() const {
  std::vector<remembered_outcome> out;
  out.reserve(ring_.size());
  for (std::size_t i = 0; i < ring_.size(); ++i) out.push_back(ring_[(next_ + i) % ring_.size()]);
  return out;
}

}  // namespace ordo::actors
