// Whether the settings expose a node more than it is safe to (docs/API.md, "Auth"): checked by
// `ordo serve` once the settings are loaded, before it opens anything.
//   - no auth.tokens: anyone who reaches the node may change orders, so it serves only on a
//     loopback address;
//   - auth.tokens without TLS: the bearer tokens cross the network in clear text, so it serves
//     them only on a loopback address too;
//   - in a cluster (two or more members) without cluster.tls.*: nodes would talk to one another
//     unauthenticated and in clear text, so cluster.host and every member's host must be loopback
//     addresses.
// `--insecure` lifts all three rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/settings.hpp"

namespace ordo::config {

// localhost, 127.0.0.0/8 or ::1 (with or without brackets).
bool is_loopback_host(std::string_view host);

// The one-line reason not to serve with these settings, or nullopt.
std::optional<std::string> refuse_to_serve(const settings& s, bool insecure);

}  // namespace ordo::config
