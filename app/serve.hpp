// `ordo serve`: one node — the database, the actor runtime and the HTTP API — until SIGTERM or
// SIGINT.
#pragma once

#include <span>
#include <string_view>

namespace ordo::app {

// `args` follow "serve". Returns the process exit code: 0 after a clean shutdown, 2 for bad
// options or settings, 1 when the node cannot start.
int serve(std::span<const std::string_view> args);

}  // namespace ordo::app
