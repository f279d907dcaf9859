// Bearer-token auth (docs/API.md, "Auth"): each configured token has a role; a route says which
// roles may call it. With no tokens configured, auth is off (the node then only serves on a
// loopback address: see config/exposure.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/settings.hpp"
#include "http/reply.hpp"
#include "http/router.hpp"

namespace ordo::http {

// The role of `token` among `tokens`, compared in constant time; nullopt for an unknown token.
std::optional<config::role> role_of_token(const std::vector<config::auth_token>& tokens,
                                          std::string_view token);

// The token of an `Authorization: Bearer <token>` header value (a view into `authorization`);
// nullopt for another scheme.
std::optional<std::string_view> bearer_token(const std::optional<std::string>& authorization);

class authenticator {
 public:
  explicit authenticator(std::vector<config::auth_token> tokens) : tokens_(std::move(tokens)) {}

  bool enabled() const { return !tokens_.empty(); }

  // nullopt if a caller sending `authorization` (the header's value, if any) may call a route
  // that needs `needs`; else the 401 or 403 problem to answer.
  std::optional<reply> check(access needs, const std::optional<std::string>& authorization) const;

 private:
  std::vector<config::auth_token> tokens_;
};

}  // namespace ordo::http
