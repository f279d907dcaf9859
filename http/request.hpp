// What a route handler sees of a request: httplib's request plus the path parameters of the
// matched template and the request id (echoed X-Request-Id or a generated one).
#pragma once

#include <httplib.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/reply.hpp"

namespace ordo::http {

struct request {
  const httplib::Request& raw;
  const std::map<std::string, std::string, std::less<>>& params;
  std::string request_id;

  // REQUIRES: the matched template has {name}.
  const std::string& param(std::string_view name) const { return params.find(name)->second; }
  std::optional<std::string> query(const std::string& name) const {
    if (!raw.has_param(name.c_str())) return std::nullopt;
    return raw.get_param_value(name.c_str());
  }
  std::optional<std::string> header(const std::string& name) const {
    if (!raw.has_header(name.c_str())) return std::nullopt;
    return raw.get_header_value(name.c_str());
  }
  const std::string& body() const { return raw.body; }
};

}  // namespace ordo::http
