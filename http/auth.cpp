#include "http/auth.hpp"

#include <openssl/crypto.h>
#include <strings.h>

namespace ordo::http {

namespace {

bool allows(config::role role, access needs) {
  switch (needs) {
    case access::open:
    case access::any_role:
      return true;
    case access::client:
      return role == config::role::client || role == config::role::admin;
    case access::viewer:
      return role == config::role::viewer || role == config::role::admin;
    case access::admin:
      return role == config::role::admin;
  }
  return false;
}

reply unauthorized(std::string_view detail) {
  auto r = problem("unauthorized", detail);
  r.with_header("WWW-Authenticate", "Bearer realm=\"ordo\"");
  return r;
}

}  // namespace

std::optional<config::role> role_of_token(const std::vector<config::auth_token>& tokens,
                                          std::string_view token) {
  std::optional<config::role> found;
  // Compares with every token in constant time, so the answer's timing does not leak a prefix.
  for (const auto& t : tokens) {
    if (t.token.size() == token.size() &&
        CRYPTO_memcmp(t.token.data(), token.data(), token.size()) == 0)
      found = t.role;
  }
  return found;
}

std::optional<std::string_view> bearer_token(const std::optional<std::string>& authorization) {
  constexpr std::string_view scheme = "Bearer ";
  if (!authorization || authorization->size() <= scheme.size() ||
      strncasecmp(authorization->c_str(), scheme.data(), scheme.size()) != 0)
    return std::nullopt;
  return std::string_view(*authorization).substr(scheme.size());
}

std::optional<reply> authenticator::check(access needs,
                                          const std::optional<std::string>& authorization) const {
  if (!enabled() || needs == access::open) return std::nullopt;
  auto token = bearer_token(authorization);
  if (!token) return unauthorized("this route needs an Authorization: Bearer <token> header");
  auto role = role_of_token(tokens_, *token);
  if (!role) return unauthorized("the bearer token is not known");
  if (!allows(*role, needs))
    return problem("forbidden",
                   "the role " + std::string(config::to_string(*role)) + " may not use this route");
  return std::nullopt;
}

}  // namespace ordo::http
