#include "readmodel/projection_verify.hpp"

#include <string>

#include "readmodel/projection.hpp"
#include "readmodel/projections/catalog.hpp"

namespace ordo::readmodel {

persistence::result<std::vector<persistence::journal_problem>> checkpoint_problems(
    const persistence::kv_store& kv, std::uint64_t last_position) {
  std::vector<persistence::journal_problem> problems;
  for (auto name : projection_names()) {
    auto key = checkpoint_key(name);
    auto loaded = load_checkpoint(kv, name);
    if (!loaded) {
      if (loaded.error().code != persistence::storage_errc::corrupt)
        return std::unexpected(std::move(loaded.error()));
      problems.push_back({.kind = persistence::problem_kind::unreadable_checkpoint,
                          .detail = "projection " + std::string(name) + ": " +
                                    loaded.error().message + "; `ordo replay --projection " +
                                    std::string(name) + "` rebuilds it",
                          .key = key});
      continue;
    }
    if (loaded->position > last_position)
      problems.push_back({.kind = persistence::problem_kind::checkpoint_beyond_journal,
                          .position = loaded->position,
                          .detail = "projection " + std::string(name) +
                                    ": checkpoint at position " + std::to_string(loaded->position) +
                                    " but the journal ends at " + std::to_string(last_position) +
                                    "; `ordo replay --projection " + std::string(name) +
                                    "` rebuilds it",
                          .key = key});
  }
  return problems;
}

}  // namespace ordo::readmodel
