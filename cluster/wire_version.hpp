// The version of what nodes send one another (the cluster's messages and their meaning). Nodes of
// different wire versions do not talk (CAF's middleman.app-identifiers and the handshake carry
// it); it is part of the cluster's fingerprint. Raise it with any change of a message's layout.
#pragma once

#include <cstdint>

namespace ordo::cluster {

inline constexpr std::uint32_t wire_version = 1;

}  // namespace ordo::cluster
