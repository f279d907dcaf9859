// Small helpers the cluster process tests share: polling with a bound, what a node's
// /v1/inspect/cluster says about its peers, and ports a restarted node can take again.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "node_process.hpp"

namespace ordo::e2e {

using steady = std::chrono::steady_clock;

// Polls `condition` every 50 ms for up to `limit`.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
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

// A loopback port nothing holds now, below the kernel's ephemeral range: a node restarted on it
// must not find it taken by some client's outgoing connection (the clients here make thousands).
inline int stable_port(std::mt19937_64& random) {
  int ephemeral_low = 32768;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low;
  int low = std::max(1024, ephemeral_low - 12000);
  for (;;) {
    int port = low + static_cast<int>(random() % static_cast<unsigned>(ephemeral_low - low));
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (free) return port;
  }
}

inline double seconds_since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

}  // namespace ordo::e2e
