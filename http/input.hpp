// Reading and checking what a request carries — path ids, JSON bodies, query numbers, If-Match —
// before anything reaches an actor. Each check answers the value or the problem to send.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/reply.hpp"
#include "http/request.hpp"

namespace ordo::http {

template <class T>
using checked = std::expected<T, reply>;

// The path parameter `name`, if it is a valid id (^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$); else 400
// validation_failed naming it.
checked<std::string> path_id(const request& req, std::string_view name);
// The same for the query parameter `name` (missing: invalid too).
checked<std::string> query_id(const request& req, const std::string& name);

// The body as a JSON object: 400 malformed_json if it is not JSON, not an object, or nested deeper
// than domain::max_json_depth. An empty body is `{}` unless `required`.
checked<nlohmann::json> json_object_body(const request& req, bool required);

// The query parameter `name` as an integer in [min, max], or `fallback` when absent; else 400
// validation_failed naming it.
checked<std::uint64_t> query_number(const request& req, const std::string& name,
                                    std::uint64_t fallback, std::uint64_t min, std::uint64_t max);

// If-Match: "<version>" as the version a command requires; -1 (any) when absent or "*".
checked<std::int64_t> if_match_version(const request& req);

// True for "application/json", with or without parameters ("; charset=utf-8").
bool is_json_media_type(std::string_view content_type);

}  // namespace ordo::http
