#include "netns_topology.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace ordo::e2e {

namespace {

struct ip_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `ip <arguments>` (arguments are names and addresses this file makes: no quoting needed).
ip_result run_ip(const std::string& arguments) {
  ip_result result;
  std::string command = "ip " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[512];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) result.output.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void must_ip(const std::string& arguments) {
  auto r = run_ip(arguments);
  if (r.exit_code != 0)
    throw std::runtime_error("ip " + arguments + " failed (" + std::to_string(r.exit_code) +
                             "): " + r.output);
}

const std::string name_prefix = "ordo-p";

// Namespaces a killed earlier run left behind (its process is gone): removed, so they do not pile
// up. Their links go with them.
void remove_stale_namespaces() {
  std::istringstream list(run_ip("netns list").output);
  for (std::string line; std::getline(list, line);) {
    auto name = line.substr(0, line.find(' '));
    if (!name.starts_with(name_prefix)) continue;
    auto owner = std::atoi(name.c_str() + name_prefix.size());
    if (owner > 0 && kill(owner, 0) != 0 && errno == ESRCH) run_ip("netns del " + name);
  }
}

}  // namespace

std::optional<std::string> netns_topology::unavailable_reason() {
  if (geteuid() != 0)
    return "network namespaces need root (this test runs as uid " + std::to_string(geteuid()) + ")";
  // What the topology needs, tried once: a namespace with a veth pair moved into it.
  auto probe = "ordo-probe-" + std::to_string(getpid());
  auto probe_link = "op" + std::to_string(getpid());
  std::optional<std::string> reason;
  for (auto step : {"netns add " + probe,
                    "link add " + probe_link + "a type veth peer name " + probe_link + "b",
                    "link set " + probe_link + "b netns " + probe}) {
    auto r = run_ip(step);
    if (r.exit_code != 0) {
      reason = "`ip " + step + "` failed (" + std::to_string(r.exit_code) + "): " + r.output;
      break;
    }
  }
  run_ip("link del " + probe_link + "a");
  run_ip("netns del " + probe);
  return reason;
}

netns_topology::netns_topology(int nodes) : nodes_(nodes), id_(static_cast<int>(getpid())) {
  // 10.200-249.0-249.0/24 from the pid: the test's namespace holds one /32 route per node, so
  // two runs at once must not share addresses.
  subnet_ = "10." + std::to_string(200 + (id_ / 250) % 50) + "." + std::to_string(id_ % 250) + ".";
  remove_stale_namespaces();
  try {
    for (int n = 1; n <= nodes_; ++n) {
      must_ip("netns add " + name(n));
      made_namespaces_.push_back(name(n));
      must_ip("-n " + name(n) + " link set lo up");
      must_ip("-n " + name(n) + " addr add " + address(n) + "/32 dev lo");
    }
    for (int n = 1; n <= nodes_; ++n) join(0, n);
    for (int a = 1; a <= nodes_; ++a)
      for (int b = a + 1; b <= nodes_; ++b) join(a, b);
  } catch (...) {
    remove_all();
    throw;
  }
}

netns_topology::~netns_topology() {
  remove_all();
}

std::string netns_topology::name(int node) const {
  return name_prefix + std::to_string(id_) + "-n" + std::to_string(node);
}

std::string netns_topology::address(int node) const {
  return subnet_ + std::to_string(node);
}

std::vector<std::string> netns_topology::exec_prefix(int node) const {
  return {"ip", "netns", "exec", name(node)};
}

// "o<pid>x<from><to>": at most 1 + 7 + 1 + 2 = 11 characters (the kernel allows 15).
std::string netns_topology::interface(int from, int to) const {
  return "o" + std::to_string(id_) + "x" + std::to_string(from) + std::to_string(to);
}

// The source address of `from`'s packets to `to`: the node's own, or (the test's namespace) one
// address per node link, so each link is a plain pair of /32 routes.
std::string netns_topology::local_address(int from, int to) const {
  return from == 0 ? subnet_ + std::to_string(100 + to) : address(from);
}

void netns_topology::join(int a, int b) {
  must_ip("link add " + interface(a, b) + " type veth peer name " + interface(b, a));
  if (a == 0) made_root_links_.push_back(interface(a, b));
  if (a != 0) must_ip("link set " + interface(a, b) + " netns " + name(a));
  must_ip("link set " + interface(b, a) + " netns " + name(b));
  if (a == 0) must_ip("addr add " + local_address(0, b) + "/32 dev " + interface(0, b));
  for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
    must_ip((from == 0 ? "" : "-n " + name(from) + " ") + "link set " + interface(from, to) +
            " up");
  }
  route(a, b);
  route(b, a);
}

void netns_topology::route(int from, int to) {
  auto target = to == 0 ? local_address(0, from) : address(to);
  must_ip((from == 0 ? "" : "-n " + name(from) + " ") + "route replace " + target + "/32 dev " +
          interface(from, to) + " src " + local_address(from, to));
}

void netns_topology::cut(int a, int b) {
  // Down on a's side: a's route to b goes with it, b's end loses its carrier. Nothing answers,
  // nothing resets: each side notices only by its heartbeat timeout.
  must_ip("-n " + name(a) + " link set " + interface(a, b) + " down");
}

void netns_topology::heal(int a, int b) {
  must_ip("-n " + name(a) + " link set " + interface(a, b) + " up");
  must_ip("-n " + name(b) + " link set " + interface(b, a) + " up");
  // Taking a link down removes the routes through it: they come back with it.
  route(a, b);
  route(b, a);
}

void netns_topology::remove_all() noexcept {
  // Deleting a namespace deletes its veths and so their peers; the test's ends are deleted too in
  // case a namespace was never made.
  for (const auto& ns : made_namespaces_) run_ip("netns del " + ns);
  for (const auto& link : made_root_links_) run_ip("link del " + link);
  made_namespaces_.clear();
  made_root_links_.clear();
}

}  // namespace ordo::e2e
