#include "config/exposure.hpp"

#include <arpa/inet.h>

namespace ordo::config {

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  std::string text(host);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

namespace {

std::optional<std::string> refuse_http(const settings& s) {
  const auto& host = s.http.host;
  if (is_loopback_host(host)) return std::nullopt;
  if (s.auth.tokens.empty())
    return "refusing to serve on " + host +
           " without auth.tokens: anyone who reaches it could change orders (configure "
           "auth.tokens, listen on 127.0.0.1, or pass --insecure)";
  if (s.http.tls.cert.empty())
    return "refusing to serve on " + host +
           " with auth.tokens over plain HTTP: the bearer tokens would cross the network in clear "
           "text (configure http.tls.cert and http.tls.key, listen on 127.0.0.1, or pass "
           "--insecure)";
  return std::nullopt;
}

std::optional<std::string> refuse_cluster(const cluster_settings& cluster) {
  if (!cluster.clustered() || cluster.tls.configured()) return std::nullopt;
  static constexpr std::string_view why =
      " without cluster.tls.cert, cluster.tls.key and cluster.tls.ca: the nodes would talk "
      "unauthenticated and in clear text (configure cluster.tls.*, use loopback addresses, or "
      "pass --insecure)";
  if (!is_loopback_host(cluster.host))
    return "refusing to listen for cluster members on cluster.host " + cluster.host +
           std::string(why);
  for (const auto& member : cluster.nodes)
    if (!is_loopback_host(member.host))
      return "refusing to reach cluster member " + member.id + " at " + member.host +
             " (cluster.nodes)" + std::string(why);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> refuse_to_serve(const settings& s, bool insecure) {
  if (insecure) return std::nullopt;
  if (auto refused = refuse_http(s)) return refused;
  return refuse_cluster(s.cluster);
}

}  // namespace ordo::config
