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

std::optional<std::string> refuse_to_serve(const settings& s, bool insecure) {
  const auto& host = s.http.host;
  if (insecure || is_loopback_host(host)) return std::nullopt;
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

}  // namespace ordo::config
