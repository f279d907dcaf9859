#include "http/cross_site.hpp"

#include <arpa/inet.h>
#include <strings.h>

#include <algorithm>

#include "config/exposure.hpp"

namespace ordo::http {

namespace {

bool changes_state(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool same_text_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool is_port(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_ip_literal(const std::string& name) {
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, name.c_str(), &v4) == 1 || inet_pton(AF_INET6, name.c_str(), &v6) == 1;
}

// http.host as a name to compare with ("[::1]" and "::1" alike).
std::string bare_name(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return std::string(host);
}

}  // namespace

std::optional<std::string> host_name_of(std::string_view host_header) {
  std::string_view name = host_header;
  std::string_view port;
  if (host_header.starts_with('[')) {
    auto close = host_header.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    name = host_header.substr(1, close - 1);
    auto rest = host_header.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (!is_port(port)) return std::nullopt;
    }
  } else if (auto colon = host_header.find(':'); colon != std::string_view::npos) {
    name = host_header.substr(0, colon);
    port = host_header.substr(colon + 1);
    if (!is_port(port)) return std::nullopt;  // also an unbracketed IPv6 address
  }
  if (name.empty()) return std::nullopt;
  return std::string(name);
}

std::optional<reply> cross_site_rules::host_problem(const request& req) const {
  if (!check_host_) return std::nullopt;
  auto host = req.header("Host");
  if (!host) return std::nullopt;
  auto name = host_name_of(*host);
  if (name && (same_text_ignoring_case(*name, "localhost") || config::is_loopback_host(*name) ||
               is_ip_literal(*name) || same_text_ignoring_case(*name, bare_name(own_host_))))
    return std::nullopt;
  return invalid_field("Host",
                       "this node has no auth.tokens and serves only Host names that "
                       "cannot be rebound to it: localhost, an IP address or http.host (" +
                           own_host_ + ")");
}

std::optional<reply> cross_site_rules::origin_problem(const request& req) const {
  if (!changes_state(req.raw.method)) return std::nullopt;
  auto origin = req.header("Origin");
  if (!origin) return std::nullopt;
  auto host = req.header("Host");
  if (host && same_text_ignoring_case(*origin, (tls_ ? "https://" : "http://") + *host))
    return std::nullopt;
  return problem("forbidden", "a request from the origin " + *origin +
                                  " may not change this node's state (cross-site request)");
}

}  // namespace ordo::http
