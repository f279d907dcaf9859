// What `ordo verify` checks of the node's projections: that each one's checkpoint can be read
// and does not claim events the journal never had. The rows themselves are not checked: a
// rebuild (`ordo replay --projection NAME`) recomputes them from the journal.
#pragma once

#include <cstdint>
#include <vector>

#include "persistence/kv_store.hpp"
#include "persistence/verify.hpp"

namespace ordo::readmodel {

// For persistence::verify_options::check_kv. An unreadable checkpoint (fails its CRC32C or is
// not a position) and one beyond `last_position` are problems naming the projection; a missing
// checkpoint (nothing applied yet) or one marked "clearing" (an earlier version's interrupted
// rebuild, which a node resumes) is not. Fails only when the store cannot be read.
persistence::result<std::vector<persistence::journal_problem>> checkpoint_problems(
    const persistence::kv_store& kv, std::uint64_t last_position);

}  // namespace ordo::readmodel
