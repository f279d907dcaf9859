#include "http/reply.hpp"

#include <strings.h>

#include <array>

namespace ordo::http {

namespace {

struct error_kind {
  std::string_view code;
  int status;
  std::string_view title;
};

// docs/API.md's error table, plus out_of_stock which the stock aggregate may answer.
constexpr std::array<error_kind, 17> error_table{{
    {"malformed_json", 400, "Malformed JSON"},
    {"validation_failed", 400, "Validation failed"},
    {"unauthorized", 401, "Unauthorized"},
    {"forbidden", 403, "Forbidden"},
    {"not_found", 404, "Not found"},
    {"method_not_allowed", 405, "Method not allowed"},
    {"invalid_state", 409, "Invalid state"},
    {"already_exists", 409, "Already exists"},
    {"out_of_stock", 409, "Out of stock"},
    {"version_conflict", 412, "Version conflict"},
    {"payload_too_large", 413, "Payload too large"},
    {"unsupported_media_type", 415, "Unsupported media type"},
    {"idempotency_key_reused", 422, "Idempotency key reused"},
    {"overloaded", 429, "Overloaded"},
    {"internal_error", 500, "Internal error"},
    {"storage_unavailable", 503, "Storage unavailable"},
    {"unavailable", 503, "Unavailable"},
}};

const error_kind& kind_of(std::string_view code) {
  for (const auto& kind : error_table)
    if (kind.code == code) return kind;
  return error_table.back();  // unavailable
}

}  // namespace

const std::string* reply::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0)
      return &value;
  return nullptr;
}

reply json_reply(int status, const nlohmann::json& body) {
  reply r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

int status_of(std::string_view code) {
  return kind_of(code).status;
}

reply problem(std::string_view code, std::string_view detail, nlohmann::json extra) {
  const auto& kind = kind_of(code);
  nlohmann::json body{{"type", "/problems/" + std::string(kind.code)},
                      {"title", kind.title},
                      {"status", kind.status},
                      {"detail", detail},
                      {"code", kind.code}};
  for (auto& [name, value] : extra.items()) body[name] = value;
  auto r = json_reply(kind.status, body);
  r.content_type = "application/problem+json";
  // Clients may retry these; one second spreads the retries without stalling them long.
  if (kind.status == 429 || kind.status == 503) r.with_header("Retry-After", "1");
  return r;
}

reply invalid_field(std::string_view field, std::string_view message) {
  return problem("validation_failed", std::string(field) + ": " + std::string(message),
                 {{"errors", nlohmann::json::array({{{"field", field}, {"message", message}}})}});
}

}  // namespace ordo::http
