// What keeps a browser from acting on a node for another site (docs/API.md, "Browsers and other
// sites"). A node without auth.tokens serves whoever reaches it, and a browser reaches loopback:
//   - DNS rebinding: a page of evil.example re-resolves its own name to 127.0.0.1 and then reads
//     and writes the node as "same origin". Its requests still carry `Host: evil.example`, so
//     without tokens only Host values that cannot be rebound are served: loopback names, IP
//     literals (a literal resolves to nothing) and the configured http.host.
//   - CSRF: a page of another origin submits a form to the node. A state-changing request whose
//     `Origin` names another origin than the one it was sent to is refused, with or without
//     tokens; and since every POST and DELETE needs `Content-Type: application/json` (api.cpp),
//     which no form can send, an old browser that sends no Origin cannot forge one either.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/reply.hpp"
#include "http/request.hpp"

namespace ordo::http {

class cross_site_rules {
 public:
  // `check_host`: whether Host is checked (a node without auth.tokens); `own_host`: http.host;
  // `tls`: whether the node serves HTTPS (its origins are then https://...).
  cross_site_rules(bool check_host, std::string own_host, bool tls)
      : check_host_(check_host), own_host_(std::move(own_host)), tls_(tls) {}

  // 400 validation_failed (field Host) if the request's Host may not be served; nullopt otherwise.
  // A request without Host (HTTP/1.0, not a browser) passes.
  std::optional<reply> host_problem(const request& req) const;

  // 403 forbidden if a POST, PUT, PATCH or DELETE carries an Origin other than
  // <scheme>://<its Host>; nullopt otherwise (also when it carries no Origin).
  std::optional<reply> origin_problem(const request& req) const;

 private:
  bool check_host_;
  std::string own_host_;
  bool tls_;
};

// The name part of a Host header value without its port ("[::1]:8080" -> "::1",
// "Localhost:80" -> "Localhost"); nullopt if the value is not host[:port].
std::optional<std::string> host_name_of(std::string_view host_header);

}  // namespace ordo::http
