// The outcomes of an aggregate's recent commands, by command id, so that a retried command gets
// the first answer instead of running twice. Compact on purpose: it lives in every aggregate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::actors {

struct remembered_outcome {
  std::uint64_t id_hash = 0;
  std::uint64_t version = 0;   // the aggregate's version after the command
  std::uint64_t position = 0;  // the global position of its last event (0: none)
  std::uint8_t code = 0;       // index into outcome_codes
  bool operator==(const remembered_outcome&) const = default;
};

// "ok" first; the rest are the error codes an aggregate can answer with.
inline constexpr std::string_view outcome_codes[] = {
    "ok", "validation_failed", "invalid_state", "not_found", "already_exists",
    "out_of_stock", "version_conflict", "unavailable", "overloaded"};

std::uint8_t outcome_code_index(std::string_view code);
std::uint64_t hash_command_id(std::string_view id);

// A bounded ring: the newest `capacity` outcomes.
class remembered_commands {
 public:
  explicit remembered_commands(std::size_t capacity = 1000) : capacity_(capacity) {}

  std::optional<remembered_outcome> find(std::string_view command_id) const;
  void remember(std::string_view command_id, std::uint64_t version, std::uint64_t position,
                std::string_view code);
  void remember(const remembered_outcome& outcome);

  // Oldest first, for snapshots.
  std::vector<remembered_outcome> entries() const;
  std::size_t size() const { return ring_.size(); }

 private:
  std::size_t capacity_;
  std::vector<remembered_outcome> ring_;
  std::size_t next_ = 0;  // where the next entry goes once the ring is full
};

}  // namespace ordo::actors
