// Network namespaces for partition tests: each node in its own namespace with a stable /32
// address on its `lo`, every pair of nodes joined by its own veth pair (so one pair can be cut
// while both still reach the others), and one more veth per node to the test's namespace so the
// test reaches every node's HTTP port whatever is cut. Needs root and `ip` (iproute2).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ordo::e2e {

class netns_topology {
 public:
  // Why namespaces cannot be made here (not root, no `ip`, `ip netns` refused), or nothing.
  static std::optional<std::string> unavailable_reason();

  // Builds namespaces and links for `nodes` nodes (1-based in every call below). Names and
  // addresses derive from this process's id, so concurrent runs do not meet. Throws
  // std::runtime_error with ip's message when a step fails (what was made is removed).
  explicit netns_topology(int nodes);
  ~netns_topology();  // removes the namespaces and links (also after failed tests)
  netns_topology(const netns_topology&) = delete;
  netns_topology& operator=(const netns_topology&) = delete;

  std::string name(int node) const;     // the namespace
  std::string address(int node) const;  // the node's /32, reachable from its peers and the test
  // {"ip", "netns", "exec", name(node)}: runs a command inside node's namespace.
  std::vector<std::string> exec_prefix(int node) const;

  // Cuts the link between nodes a and b: packets between them are dropped (no reset), as in a
  // network partition. Both keep their links to the other nodes and to the test.
  void cut(int a, int b);
  // Brings the link back with its routes.
  void heal(int a, int b);

 private:
  std::string interface(int from, int to) const;  // in `from`'s namespace (0: the test's)
  std::string local_address(int from, int to) const;
  void join(int a, int b);
  void route(int from, int to);
  void remove_all() noexcept;

  int nodes_;
  int id_;
  std::string subnet_;  // "10.X.Y."
  std::vector<std::string> made_namespaces_;
  std::vector<std::string> made_root_links_;
};

}  // namespace ordo::e2e
