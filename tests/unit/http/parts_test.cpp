// The small parts of the HTTP front: routing, problem+json, auth, input checks, tokens.
#include <gtest/gtest.h>

#include <map>

#include "http/auth.hpp"
#include "http/gateway_replies.hpp"
#include "http/input.hpp"
#include "http/reply.hpp"
#include "http/router.hpp"

namespace ordo::http {
namespace {

using json = nlohmann::json;

router sample_routes() {
  router r;
  auto ok = [](const request&) { return json_reply(200, json::object()); };
  r.add("POST", "/v1/orders", access::client, ok);
  r.add("GET", "/v1/orders/{id}", access::client, ok);
  r.add("DELETE", "/v1/orders/{id}/items/{sku}", access::client, ok);
  r.add("POST", "/v1/orders/{id}/items", access::client, ok);
  return r;
}

TEST(Router, MatchesTemplatesAndNamesTheParameters) {
  auto routes = sample_routes();
  auto m = routes.find("DELETE", "/v1/orders/o1/items/sku-9");
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.found->pattern, "/v1/orders/{id}/items/{sku}");
  EXPECT_EQ(m.params.at("id"), "o1");
  EXPECT_EQ(m.params.at("sku"), "sku-9");
}

TEST(Router, UnknownPathHasNoAllowedMethods) {
  auto routes = sample_routes();
  for (auto path : {"/v1/order", "/v1/orders/o1/items/a/b", "/v1/orders/", "/"}) {
    auto m = routes.find("GET", path);
    EXPECT_EQ(m.found, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(Router, KnownPathWithWrongMethodListsTheAllowedOnes) {
  auto routes = sample_routes();
  auto m = routes.find("PUT", "/v1/orders");
  EXPECT_EQ(m.found, nullptr);
  EXPECT_EQ(m.allowed, std::vector<std::string>{"POST"});
  EXPECT_NE(routes.find("HEAD", "/v1/orders/o1").found, nullptr);  // HEAD is GET
}

TEST(Router, DecodesEachSegmentAfterSplitting) {
  auto routes = sample_routes();
  auto m = routes.find("GET", "/v1/orders/o%201");
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.params.at("id"), "o 1");
  m = routes.find("POST", "/v1/orders/o1%2Fitems");  // one segment: the id "o1/items"
  EXPECT_EQ(m.found, nullptr);
  EXPECT_EQ(m.allowed, std::vector<std::string>{"GET"});
  m = routes.find("DELETE", "/v1/orders/o1/items/a%2F..%2Fb");
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.params.at("sku"), "a/../b");
  EXPECT_NE(routes.find("POST", "/v1/%6Frders").found, nullptr);
}

TEST(Router, PercentDecodingLeavesStrayPercentSigns) {
  EXPECT_EQ(percent_decode("a%2fb%2F%00"), std::string("a/b/\0", 5));
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(target_path("/v1/orders?x=%2F"), "/v1/orders");
}

TEST(Problem, HasTheRfc9457MembersAndTheApiCode) {
  auto r = problem("version_conflict", "expected 3", {{"expected", 3}, {"actual", 4}});
  EXPECT_EQ(r.status, 412);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = json::parse(r.body);
  EXPECT_EQ(body, (json{{"type", "/problems/version_conflict"},
                        {"title", "Version conflict"},
                        {"status", 412},
                        {"detail", "expected 3"},
                        {"code", "version_conflict"},
                        {"expected", 3},
                        {"actual", 4}}));
}

TEST(Problem, OverloadedAndUnavailableCarryRetryAfter) {
  EXPECT_NE(problem("overloaded", "x").header("retry-after"), nullptr);
  EXPECT_NE(problem("unavailable", "x").header("Retry-After"), nullptr);
  EXPECT_EQ(problem("not_found", "x").header("Retry-After"), nullptr);
}

TEST(Problem, EveryCodeOfTheApiTableHasItsStatus) {
  std::vector<std::pair<std::string, int>> table{{"malformed_json", 400},
                                                 {"validation_failed", 400},
                                                 {"unauthorized", 401},
                                                 {"forbidden", 403},
                                                 {"not_found", 404},
                                                 {"method_not_allowed", 405},
                                                 {"invalid_state", 409},
                                                 {"already_exists", 409},
                                                 {"version_conflict", 412},
                                                 {"payload_too_large", 413},
                                                 {"unsupported_media_type", 415},
                                                 {"idempotency_key_reused", 422},
                                                 {"overloaded", 429},
                                                 {"unavailable", 503}};
  for (auto& [code, status] : table) EXPECT_EQ(status_of(code), status) << code;
}

TEST(GatewayReplies, MapEachErrorToItsProblem) {
  actors::command_reply invalid;
  invalid.code = actors::outcome::invalid_state;
  invalid.status = "placed";
  invalid.message = "cannot ship a placed order";
  auto body = json::parse(problem_from(invalid, -1).body);
  EXPECT_EQ(body["status"], 409);
  EXPECT_EQ(body["aggregate_status"], "placed");

  actors::command_reply bad;
  bad.code = actors::outcome::validation_failed;
  bad.fields = {{"quantity", "must be 1..10000"}};
  body = json::parse(problem_from(bad, -1).body);
  EXPECT_EQ(body["errors"],
            (json::array({{{"field", "quantity"}, {"message", "must be 1..10000"}}})));

  actors::command_reply conflict;
  conflict.code = actors::outcome::version_conflict;
  conflict.version = 7;
  body = json::parse(problem_from(conflict, 5).body);
  EXPECT_EQ(body["expected"], 5);
  EXPECT_EQ(body["actual"], 7);
}

TEST(GatewayReplies, OutcomeUnknownIs504WithRetryAfterAndSaysARetryWithTheKeyIsSafe) {
  actors::command_reply late;
  late.code = actors::outcome::outcome_unknown;
  late.message = "the aggregate did not answer in time";
  auto r = problem_from(late, -1);
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(r.content_type, "application/problem+json");
  ASSERT_NE(r.header("Retry-After"), nullptr);
  auto body = json::parse(r.body);
  EXPECT_EQ(body["code"], "outcome_unknown");
  EXPECT_EQ(body["type"], "/problems/outcome_unknown");
  EXPECT_EQ(body["status"], 504);
  EXPECT_NE(body["detail"].get<std::string>().find("retry with the same Idempotency-Key is safe"),
            std::string::npos);
}

TEST(GatewayReplies, EveryErrorOutcomeIsRenderedWithItsNameAndStatus) {
  const std::map<actors::outcome, int> statuses{
      {actors::outcome::validation_failed, 400}, {actors::outcome::invalid_state, 409},
      {actors::outcome::not_found, 404},         {actors::outcome::already_exists, 409},
      {actors::outcome::out_of_stock, 409},      {actors::outcome::version_conflict, 412},
      {actors::outcome::unavailable, 503},       {actors::outcome::overloaded, 429},
      {actors::outcome::outcome_unknown, 504},   {actors::outcome::storage_unavailable, 503},
      {actors::outcome::internal_error, 500}};
  ASSERT_EQ(statuses.size(), actors::outcome_count - 1);  // every outcome but ok
  for (auto [code, status] : statuses) {
    actors::command_reply answer;
    answer.code = code;
    auto r = problem_from(answer, -1);
    EXPECT_EQ(r.status, status) << code;
    auto body = json::parse(r.body);
    EXPECT_EQ(body["code"], std::string(to_string(code)));
    EXPECT_EQ(body["type"], "/problems/" + std::string(to_string(code)));
  }
}

TEST(GatewayReplies, ConsistencyTokensRoundTrip) {
  EXPECT_EQ(consistency_token(42), "p42");
  EXPECT_EQ(consistency_token(42, "n2"), "n2:p42");
  auto single = parse_consistency_token("p42");
  ASSERT_TRUE(single);
  ASSERT_EQ(single->size(), 1u);
  EXPECT_EQ(single->front().node, "");
  EXPECT_EQ(single->front().position, 42u);
  auto several = parse_consistency_token("n1:p5,n3:p0");
  ASSERT_TRUE(several);
  ASSERT_EQ(several->size(), 2u);
  EXPECT_EQ((*several)[0].node, "n1");
  EXPECT_EQ((*several)[0].position, 5u);
  EXPECT_EQ((*several)[1].node, "n3");
  EXPECT_EQ((*several)[1].position, 0u);
  for (auto bad : {"", "p", "42", "p4x", "q42", "p-1", ":p4", "n1:", "n1:p4,", ",p4", "n1:p4,,p5",
                   "n1:4"})
    EXPECT_EQ(parse_consistency_token(bad), std::nullopt) << bad;
  std::string too_many;
  for (int i = 0; i < 65; ++i) too_many += (i ? "," : "") + std::string("n1:p1");
  EXPECT_EQ(parse_consistency_token(too_many), std::nullopt);
  EXPECT_EQ(etag(3), "\"3\"");
}

TEST(Auth, OffWhenNoTokensAreConfigured) {
  authenticator auth({});
  EXPECT_FALSE(auth.enabled());
  EXPECT_EQ(auth.check(access::admin, std::nullopt), std::nullopt);
}

TEST(Auth, RolesGrantTheirRoutes) {
  authenticator auth(
      {{"c", config::role::client}, {"v", config::role::viewer}, {"a", config::role::admin}});
  auto status = [&](access needs, std::optional<std::string> header) {
    auto denied = auth.check(needs, header);
    return denied ? denied->status : 200;
  };
  EXPECT_EQ(status(access::client, std::nullopt), 401);
  EXPECT_EQ(status(access::client, "Bearer nope"), 401);
  EXPECT_EQ(status(access::client, "Basic Yzpj"), 401);
  EXPECT_EQ(status(access::client, "Bearer c"), 200);
  EXPECT_EQ(status(access::client, "bearer c"), 200);
  EXPECT_EQ(status(access::client, "Bearer v"), 403);
  EXPECT_EQ(status(access::viewer, "Bearer v"), 200);
  EXPECT_EQ(status(access::viewer, "Bearer c"), 403);
  EXPECT_EQ(status(access::admin, "Bearer v"), 403);
  EXPECT_EQ(status(access::admin, "Bearer a"), 200);
  EXPECT_EQ(status(access::client, "Bearer a"), 200);
  EXPECT_EQ(status(access::any_role, "Bearer c"), 200);
  EXPECT_EQ(status(access::any_role, std::nullopt), 401);
  EXPECT_EQ(status(access::open, std::nullopt), 200);
  EXPECT_NE(auth.check(access::client, std::nullopt)->header("WWW-Authenticate"), nullptr);
}

struct fake_request {
  httplib::Request raw;
  std::map<std::string, std::string, std::less<>> params;
  request view() const { return {raw, params, "r1"}; }
};

TEST(Input, PathIdsAreChecked) {
  fake_request ok{{}, {{"id", "o-1.a_b"}}};
  EXPECT_EQ(path_id(ok.view(), "id").value(), "o-1.a_b");
  // Strings, not pointers: a pointer into a temporary string would dangle in the loop.
  for (const std::string& bad :
       std::vector<std::string>{"-o1", ".o", std::string(65, 'a'), "o 1", "o%201"}) {
    fake_request r{{}, {{"id", bad}}};
    auto checked = path_id(r.view(), "id");
    ASSERT_FALSE(checked) << bad;
    EXPECT_EQ(checked.error().status, 400);
    EXPECT_EQ(json::parse(checked.error().body)["errors"][0]["field"], "id");
  }
}

TEST(Input, BodiesMustBeJsonObjects) {
  fake_request r;
  EXPECT_EQ(json_object_body(r.view(), false).value(), json::object());
  EXPECT_EQ(json_object_body(r.view(), true).error().status, 400);
  for (auto body : {"{", "[1]", "3", "\"x\"", "null"}) {
    r.raw.body = body;
    auto parsed = json_object_body(r.view(), false);
    ASSERT_FALSE(parsed) << body;
    EXPECT_EQ(json::parse(parsed.error().body)["code"], "malformed_json");
  }
  r.raw.body = R"({"a": 1})";
  EXPECT_EQ(json_object_body(r.view(), true).value(), (json{{"a", 1}}));
}

TEST(Input, QueryNumbersAreRangeChecked) {
  fake_request r;
  r.raw.params = {{"limit", "10"}, {"from", "x"}, {"to", "-1"}, {"big", "99999999999999999999999"}};
  EXPECT_EQ(query_number(r.view(), "limit", 5, 0, 100).value(), 10u);
  EXPECT_EQ(query_number(r.view(), "absent", 5, 0, 100).value(), 5u);
  EXPECT_FALSE(query_number(r.view(), "limit", 5, 0, 9));
  EXPECT_FALSE(query_number(r.view(), "from", 5, 0, 100));
  EXPECT_FALSE(query_number(r.view(), "to", 5, 0, 100));
  EXPECT_FALSE(query_number(r.view(), "big", 5, 0, 100));
}

TEST(Input, IfMatchGivesTheExpectedVersion) {
  fake_request r;
  EXPECT_EQ(if_match_version(r.view()).value(), -1);
  for (auto [header, version] : std::vector<std::pair<std::string, std::int64_t>>{
           {"\"3\"", 3}, {"W/\"3\"", 3}, {"*", -1}, {" \"0\" ", 0}}) {
    r.raw.headers = {{"If-Match", header}};
    EXPECT_EQ(if_match_version(r.view()).value(), version) << header;
  }
  r.raw.headers = {{"If-Match", "\"abc\""}};
  EXPECT_EQ(if_match_version(r.view()).error().status, 400);
}

TEST(Input, JsonMediaTypes) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("Application/JSON; charset=utf-8"));
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_FALSE(is_json_media_type("application/jsonx"));
  EXPECT_FALSE(is_json_media_type(""));
}

}  // namespace
}  // namespace ordo::http
