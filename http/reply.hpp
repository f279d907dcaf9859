// What a route handler answers: status, headers and body, kept apart from httplib so that a
// reply can be stored (idempotency keys) and tested as a value. Errors are problem+json
// (RFC 9457) with the codes of docs/API.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ordo::http {

struct reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type

  reply& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  const std::string* header(std::string_view name) const;
};

reply json_reply(int status, const nlohmann::json& body);

// The HTTP status of an API error code (docs/API.md's error table); 503 for an unknown code, since
// an answer the node cannot place means it cannot serve the request now.
int status_of(std::string_view code);

// {"type": "/problems/<code>", "title", "status", "detail", "code"} plus `extra`'s members
// ("errors", "status" of the aggregate, "expected"/"actual"). Adds Retry-After to 429 and 503.
reply problem(std::string_view code, std::string_view detail,
              nlohmann::json extra = nlohmann::json::object());

// validation_failed with one entry in "errors".
reply invalid_field(std::string_view field, std::string_view message);

}  // namespace ordo::http
