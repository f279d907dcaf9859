// What the HTTP front reads from a request before anything reaches an actor: the body as a JSON
// object, path ids, query numbers, If-Match, the media type, the route, the body's framing; and
// what the node reads at start: its settings file, and the RFC 3339 times of history queries.
#include <httplib.h>

#include <map>
#include <string>

#include "config/load.hpp"
#include "domain/json_text.hpp"
#include "domain/time_format.hpp"
#include "domain/validation.hpp"
#include "http/framing.hpp"
#include "http/input.hpp"
#include "http/router.hpp"
#include "request_parsers.hpp"

namespace ordo::fuzz {

namespace {

// A problem the API answers for bad input: 4xx, problem+json, with its status in the body.
void require_client_problem(const http::reply& r, std::string_view input) {
  require(r.status >= 400 && r.status < 500, "bad input is answered 4xx", input);
  require(r.content_type == "application/problem+json", "a problem is problem+json", input);
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  require(body.is_object() && body["status"] == r.status, "a problem's body names its status",
          input);
}

const http::router& sample_routes() {
  static const http::router routes = [] {
    http::router r;
    auto ok = [](const http::request&) { return http::json_reply(200, {}); };
    r.add("POST", "/v1/orders", http::access::client, ok);
    r.add("GET", "/v1/orders/{id}", http::access::client, ok);
    r.add("POST", "/v1/orders/{id}/cancel", http::access::client, ok);
    r.add("DELETE", "/v1/orders/{id}/items/{sku}", http::access::client, ok);
    return r;
  }();
  return routes;
}

}  // namespace

void run_http_inputs(std::string_view bytes) {
  const std::string text(bytes);
  httplib::Request raw;
  raw.method = "POST";
  raw.body = text;
  raw.headers.emplace("If-Match", text);
  raw.headers.emplace("Content-Type", text);
  raw.headers.emplace("Content-Length", text);
  raw.params.emplace("n", text);
  const std::map<std::string, std::string, std::less<>> params{{"id", text}};
  const http::request req{raw, params, "fuzz"};

  for (bool required : {true, false}) {
    auto body = http::json_object_body(req, required);
    if (body) {
      require(body->is_object(), "an accepted body is an object", bytes);
      require(domain::nests_within(text, domain::max_json_depth), "an accepted body is shallow",
              bytes);
      (void)body->dump();
    } else {
      require_client_problem(body.error(), bytes);
    }
  }
  if (auto id = http::path_id(req, "id"))
    require(domain::is_valid_id(*id), "an accepted path id is valid", bytes);
  else
    require_client_problem(id.error(), bytes);
  if (auto n = http::query_number(req, "n", 7, 1, 100))
    require(*n >= 1 && *n <= 100, "an accepted query number is in range", bytes);
  else
    require_client_problem(n.error(), bytes);
  if (auto version = http::if_match_version(req))
    require(*version >= -1, "an If-Match version is -1 or more", bytes);
  else
    require_client_problem(version.error(), bytes);
  (void)http::is_json_media_type(text);
  if (auto refused = http::framing_problem(raw, 65536)) require_client_problem(*refused, bytes);

  require(http::percent_decode(text).size() <= text.size(), "decoding never lengthens", bytes);
  auto matched = sample_routes().find("POST", http::target_path(text));
  for (const auto& [name, value] : matched.params)
    require(!value.empty(), "a matched parameter is not empty", bytes);
}

void run_settings_and_times(std::string_view bytes) {
  const std::string text(bytes);
  config::settings settings;
  if (auto applied = config::apply_json_text(settings, "fuzz.json", text); !applied)
    require(!applied.error().empty() && applied.error().find('\n') == std::string::npos,
            "a settings error is one line", bytes);

  constexpr domain::timestamp earliest = -62'167'219'200'000;  // 0000-01-01T00:00:00.000Z
  constexpr domain::timestamp latest = 253'402'300'799'999;    // 9999-12-31T23:59:59.999Z
  if (auto t = domain::parse_rfc3339(bytes); t && *t >= earliest && *t <= latest)
    require(domain::parse_rfc3339(domain::format_rfc3339(*t)) == t,
            "a time survives format and parse", bytes);
}

void run_request_parsers(std::string_view bytes) {
  run_command_parsers(bytes);
  run_http_inputs(bytes);
  run_settings_and_times(bytes);
}

}  // namespace ordo::fuzz
