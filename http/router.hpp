// The route table: (method, path template) -> handler, with who may call it. Templates have
// literal segments and {name} segments ("/v1/orders/{id}/items/{sku}"); a {name} matches one
// non-empty segment. A path no template matches is 404; a path that matches only under other
// methods is 405 with those methods in `Allow`.
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
  // HEAD is matched as GET, as httplib answers it with the GET handler.
  match find(std::string_view method, std::string_view path) const;

  const std::vector<route>& routes() const { return routes_; }
  // The route's index in routes(), for metrics.
  std::size_t index_of(const route& r) const {
    return static_cast<std::size_t>(&r - routes_.data());
  }

 private:
  std::vector<route> routes_;
};

}  // namespace ordo::http
