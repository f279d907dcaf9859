#include "http/input.hpp"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "domain/json_text.hpp"
#include "domain/validation.hpp"

namespace ordo::http {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

namespace {

checked<std::string> checked_id(std::string id, std::string_view name) {
  if (!domain::is_valid_id(id))
    return std::unexpected(invalid_field(name, "must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
  return id;
}

}  // namespace

checked<std::string> path_id(const request& req, std::string_view name) {
  return checked_id(req.param(name), name);
}

checked<std::string> query_id(const request& req, const std::string& name) {
  return checked_id(req.query(name).value_or(""), name);
}

checked<nlohmann::json> json_object_body(const request& req, bool required) {
  if (trim(req.body()).empty()) {
    if (!required) return nlohmann::json::object();
    return std::unexpected(problem("malformed_json", "this route needs a JSON object as its body"));
  }
  if (!domain::nests_within(req.body(), domain::max_json_depth))
    return std::unexpected(problem("malformed_json", "the body nests deeper than " +
                                                         std::to_string(domain::max_json_depth) +
                                                         " arrays or objects"));
  auto body = domain::parse_untrusted_json(req.body());
  if (body.is_discarded())
    return std::unexpected(problem("malformed_json", "the body is not JSON"));
  if (!body.is_object())
    return std::unexpected(problem("malformed_json", "the body must be a JSON object"));
  return body;
}

checked<std::uint64_t> query_number(const request& req, const std::string& name,
                                    std::uint64_t fallback, std::uint64_t min, std::uint64_t max) {
  auto text = req.query(name);
  if (!text) return fallback;
  auto value = parse_unsigned(*text);
  if (!value || *value < min || *value > max)
    return std::unexpected(invalid_field(
        name, "must be an integer " + std::to_string(min) + ".." + std::to_string(max)));
  return *value;
}

checked<std::int64_t> if_match_version(const request& req) {
  auto header = req.header("If-Match");
  if (!header) return -1;
  auto text = trim(*header);
  if (text == "*") return -1;
  if (text.starts_with("W/")) text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
    text = text.substr(1, text.size() - 2);
  auto version = parse_unsigned(text);
  if (!version || *version > static_cast<std::uint64_t>(INT64_MAX))
    return std::unexpected(invalid_field("If-Match", "must be an ETag \"<version>\""));
  return static_cast<std::int64_t>(*version);
}

bool is_json_media_type(std::string_view content_type) {
  auto type = trim(content_type.substr(0, content_type.find(';')));
  constexpr std::string_view json = "application/json";
  return type.size() == json.size() && strncasecmp(type.data(), json.data(), json.size()) == 0;
}

}  // namespace ordo::http
