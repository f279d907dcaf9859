// The route table: (method, path template) -> handler, with who may call it. Templates have
// literal segments and {name} segments ("/v1/orders/{id}/items/{sku}"); a {name} matches one
// non-empty segment. A path no template matches is 404; a path that matches only under other
// methods is 405 with those methods in `Allow`.
//
// Paths are matched as sent (percent-encoded): a path is split at '/' first and each segment is
// decoded after, so "/v1/orders/a%2Fcancel" is the order "a/cancel" (an invalid id), never the
// cancel route of order "a".
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"

namespace ordo::http {

// Who may call a route (docs/API.md, "Auth"); with auth off everyone may call everything.
enum class access {
  open,      // no token needed: health probes
  any_role,  // any valid token
  client,    // client or admin
  viewer,    // viewer or admin
  admin,     // admin only
};

using handler = std::function<reply(const request&)>;

struct route {
  std::string method;
  std::string pattern;  // the template: also the `route` label of ordo_http_requests_total
  access needs = access::client;
  handler handle;
};

class router {
 public:
  void add(std::string method, std::string pattern, access needs, handler handle);

  struct match {
    const route* found = nullptr;  // null: see `allowed`
    std::map<std::string, std::string, std::less<>> params;
    std::vector<std::string> allowed;  // methods of the templates the path matches (for 405)
  };
  // `path` is the request target's path as sent, before any percent-decoding (no query).
  // HEAD is matched as GET, as httplib answers it with the GET handler.
  match find(std::string_view method, std::string_view path) const;

  const std::vector<route>& routes() const { return routes_; }
  // The route's index in routes(), for metrics.
  std::size_t index_of(const route& r) const {
    return static_cast<std::size_t>(&r - routes_.data());
  }

 private:
  std::vector<route> routes_;
  std::vector<std::vector<std::string>> templates_;  // each route's pattern split at '/'
};

// The path part of a request target as sent: "/v1/orders/o%201?x=1" -> "/v1/orders/o%201".
std::string_view target_path(std::string_view target);

// `text` with each %XX (two hex digits) replaced by its byte; a '%' not followed by two hex digits
// stays as it is.
std::string percent_decode(std::string_view text);

}  // namespace ordo::http
