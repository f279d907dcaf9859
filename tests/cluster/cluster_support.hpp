// Small helpers the cluster process tests share: polling with a bound, and what a node's
// /v1/inspect/cluster says about its peers.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include "node_process.hpp"

namespace ordo::e2e {

using steady = std::chrono::steady_clock;

// Polls `condition` every 50 ms for up to `limit`.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit) {
  auto until = steady::now() + limit;
  while (steady::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

// The state ("up", "down", ...) `client`'s node shows for member `peer`; "" when it does not
// answer or does not list it.
inline std::string peer_state(api_client& client, const std::string& peer) {
  auto body = client.get("/v1/inspect/cluster").json();
  if (!body.is_object() || !body.contains("nodes")) return "";
  for (auto& n : body["nodes"])
    if (n.value("id", "") == peer) return n.value("state", "");
  return "";
}

inline double seconds_since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

}  // namespace ordo::e2e
