// The command outcome (domain/outcome.hpp) under the names the actors and their callers use.
#pragma once

#include "domain/outcome.hpp"

namespace ordo::actors {

using domain::is_transient;
using domain::outcome;
using domain::outcome_count;
using domain::outcome_from_value;
using domain::outcome_of;
using domain::parse_outcome;
using domain::to_string;

}  // namespace ordo::actors
