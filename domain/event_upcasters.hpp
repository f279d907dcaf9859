// The registry of every ordo event type, its current schema version and its upcasters. Decoders
// use it; a new schema version of an event means: bump E::schema_version, add the step here.
#pragma once

#include "domain/codec.hpp"

namespace ordo::domain {

// Built once on first use (thread-safe), immutable afterwards.
const upcaster_registry& event_upcasters();

}  // namespace ordo::domain
