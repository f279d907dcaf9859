// --json FILE: the figures of a run of ordo_bench_commands as JSON, for scripts (see README.md).
#pragma once

#include <array>
#include <string>

#include "phases.hpp"

namespace ordo::bench::commands {

// The throughput results are sync=none then sync=always (an empty one was not run); a null
// pointer is a phase that was skipped. Returns false if the file cannot be written.
bool write_json_report(const std::string& path, const options& o,
                       std::array<const throughput_result*, 2> throughput,
                       const memory_result* memory, const recovery_result* recovery,
                       const lag_result* lag);

}  // namespace ordo::bench::commands
