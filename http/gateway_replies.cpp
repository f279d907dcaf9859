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

std::string consistency_token(std::uint64_t position) {
  return "p" + std::to_string(position);
}

std::optional<std::uint64_t> parse_consistency_token(std::string_view token) {
  if (token.size() < 2 || token.front() != 'p') return std::nullopt;
  std::uint64_t position = 0;
  auto [end, ec] = std::from_chars(token.data() + 1, token.data() + token.size(), position);
  if (ec != std::errc{} || end != token.data() + token.size()) return std::nullopt;
  return position;
}

}  // namespace ordo::http
