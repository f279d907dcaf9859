#include "http/gateway_replies.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace ordo::http {

namespace {

// 504: the command reached its aggregate but no answer came in time, so it may have been applied
// (or still be). Unlike 503 (nothing was applied) the client must not simply send it again
// without a key.
reply outcome_unknown(const actors::command_reply& answer) {
  nlohmann::json body{{"type", "/problems/outcome_unknown"},
                      {"title", "Outcome unknown"},
                      {"status", 504},
                      {"detail", "the command may or may not have been applied (" + answer.message +
                                     "); retry with the same Idempotency-Key is safe"},
                      {"code", "outcome_unknown"}};
  auto r = json_reply(504, body);
  r.content_type = "application/problem+json";
  r.with_header("Retry-After", "1");
  return r;
}

}  // namespace

reply problem_from(const actors::command_reply& answer, std::int64_t expected_version) {
  using actors::outcome;
  if (answer.code == outcome::outcome_unknown) return outcome_unknown(answer);
  nlohmann::json extra = nlohmann::json::object();
  if (answer.code == outcome::validation_failed) {
    auto errors = nlohmann::json::array();
    for (const auto& f : answer.fields)
      errors.push_back({{"field", f.field}, {"message", f.message}});
    extra["errors"] = std::move(errors);
  } else if (answer.code == outcome::invalid_state && !answer.status.empty()) {
    extra["aggregate_status"] = answer.status;
  } else if (answer.code == outcome::version_conflict) {
    extra["expected"] = expected_version;
    extra["actual"] = answer.version;
  }
  auto code = to_string(answer.code);
  auto detail = answer.message.empty() ? code : std::string_view(answer.message);
  return problem(code, detail, std::move(extra));
}

std::string etag(std::uint64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

std::string consistency_token(std::uint64_t position, std::string_view node) {
  auto token = "p" + std::to_string(position);
  return node.empty() ? token : std::string(node) + ":" + token;
}

namespace {

constexpr std::size_t max_token_parts = 64;

std::optional<token_part> parse_token_part(std::string_view text) {
  token_part part;
  if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    part.node = std::string(text.substr(0, colon));
    if (part.node.empty()) return std::nullopt;
    text.remove_prefix(colon + 1);
  }
  if (text.size() < 2 || text.front() != 'p') return std::nullopt;
  auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), part.position);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return part;
}

}  // namespace

std::optional<std::vector<token_part>> parse_consistency_token(std::string_view token) {
  std::vector<token_part> parts;
  while (true) {
    auto comma = token.find(',');
    auto part = parse_token_part(token.substr(0, comma));
    if (!part || parts.size() == max_token_parts) return std::nullopt;
    parts.push_back(std::move(*part));
    if (comma == std::string_view::npos) return parts;
    token.remove_prefix(comma + 1);
  }
}

}  // namespace ordo::http
