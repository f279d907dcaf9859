// The API's dispatch over a real node runtime, without sockets: routing, media types, request
// ids, idempotency, If-Match and auth, as docs/API.md specifies them.
#include "http/api.hpp"

#include <gtest/gtest.h>

#include "domain/time_format.hpp"
#include "readmodel/aggregate_codec.hpp"
#include "tests/unit/actors/runtime_fixture.hpp"

namespace ordo::http {
namespace {

using json = nlohmann::json;

class ApiTest : public actors::testing::runtime_fixture {
 protected:
  void SetUp() override {
    runtime_fixture::SetUp();
    start();
    open_api();
  }
  void TearDown() override {
    api_.reset();
    runtime_fixture::TearDown();
  }

  void open_api() {
    api_ = std::make_unique<api>(node_services{gate(), db(), node().context().stats, settings_});
    api_->set_ready(true);
  }

  httplib::Response call(const std::string& method, const std::string& path,
                         const std::string& body = "", httplib::Headers headers = {}) {
    httplib::Request req;
    req.method = method;
    req.target = path;  // as sent; the router decodes it segment by segment
    req.path = path.substr(0, path.find('?'));
    if (auto query = path.find('?'); query != std::string::npos)
      httplib::detail::parse_query_text(path.substr(query + 1), req.params);
    req.body = body;
    req.headers = std::move(headers);
    if ((!body.empty() || method == "POST" || method == "DELETE") &&
        !req.has_header("Content-Type"))
      req.headers.emplace("Content-Type", "application/json");
    httplib::Response res;
    api_->handle(req, res);
    return res;
  }

  static json body_of(const httplib::Response& res) { return json::parse(res.body); }

  config::settings settings_;
  std::unique_ptr<api> api_;
};

TEST_F(ApiTest, UnknownRouteIsNotFoundProblem) {
  auto res = call("GET", "/v1/nothing");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.get_header_value("Content-Type"), "application/problem+json");
  EXPECT_EQ(body_of(res)["code"], "not_found");
}

TEST_F(ApiTest, KnownPathWithWrongMethodIs405WithAllow) {
  auto res = call("PUT", "/v1/orders/o1");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.get_header_value("Allow"), "GET");
  EXPECT_EQ(body_of(res)["code"], "method_not_allowed");
}

TEST_F(ApiTest, BodiesMustBeJson) {
  auto res = call("POST", "/v1/orders", "customer_id=c1", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(res.status, 415);
  EXPECT_EQ(body_of(res)["code"], "unsupported_media_type");
  res = call("POST", "/v1/orders", "{nope");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(body_of(res)["code"], "malformed_json");
}

TEST_F(ApiTest, RequestIdIsEchoedOrGenerated) {
  auto res = call("GET", "/healthz", "", {{"X-Request-Id", "req-123"}});
  EXPECT_EQ(res.get_header_value("X-Request-Id"), "req-123");
  auto generated = call("GET", "/healthz").get_header_value("X-Request-Id");
  EXPECT_EQ(generated.size(), 32u);
}

TEST_F(ApiTest, CommandsAnswerStateWithEtagTokenAndCorrelation) {
  auto res = call("POST", "/v1/orders", R"({"customer_id": "c1", "order_id": "o1"})",
                  {{"X-Request-Id", "create-1"}});
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(res.get_header_value("Location"), "/v1/orders/o1");
  EXPECT_EQ(res.get_header_value("ETag"), "\"1\"");
  EXPECT_TRUE(res.get_header_value("X-Consistency-Token").starts_with("p"));
  EXPECT_EQ(body_of(res)["status"], "draft");
  auto events = db().events().read("order-o1").value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].correlation_id, "create-1");

  auto got = call("GET", "/v1/orders/o1");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.get_header_value("ETag"), "\"1\"");
  EXPECT_EQ(body_of(got)["version"], 1);
}

TEST_F(ApiTest, IdempotencyKeyReplaysWithoutRunningAgainAndRefusesAnotherBody) {
  std::string body = R"({"customer_id": "c1"})";
  auto first = call("POST", "/v1/orders", body, {{"Idempotency-Key", "key-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = call("POST", "/v1/orders", body, {{"Idempotency-Key", "key-1"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.get_header_value("Location"), first.get_header_value("Location"));
  auto id = body_of(first)["order_id"].get<std::string>();
  EXPECT_EQ(db().events().read("order-" + id).value().size(), 1u);

  auto other =
      call("POST", "/v1/orders", R"({"customer_id": "c2"})", {{"Idempotency-Key", "key-1"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(body_of(other)["code"], "idempotency_key_reused");
}

TEST_F(ApiTest, IdempotencyKeySurvivesALostAnswer) {
  // As if the node crashed after the append but before storing the answer: the key's record is
  // gone, yet the command id derived from the key keeps the command from applying twice.
  std::string body = R"({"sku": "s1", "quantity": 2, "unit_price_cents": 100})";
  ASSERT_EQ(call("POST", "/v1/orders", R"({"customer_id": "c1", "order_id": "o1"})").status, 201);
  ASSERT_EQ(call("POST", "/v1/orders/o1/items", body, {{"Idempotency-Key", "add-1"}}).status, 200);
  ASSERT_TRUE(db().kv().erase("idem/add-1"));
  auto again = call("POST", "/v1/orders/o1/items", body, {{"Idempotency-Key", "add-1"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(body_of(again)["items"][0]["quantity"], 2);
  EXPECT_EQ(db().events().read("order-o1").value().size(), 2u);
}

TEST_F(ApiTest, AKeyedRestockWhoseAnswerWasLostAppliesOnceAfterAThousandOtherKeys) {
  // issue 12: a keyed restock applied but answered 503 (its key record stays pending, as here
  // where it is gone), then 1000 other keyed restocks, then the retry: applied once.
  auto first = call("POST", "/v1/inventory/s1/restock", R"({"quantity": 5})",
                    {{"Idempotency-Key", "first"}});
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_TRUE(db().kv().erase("idem/first"));
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(call("POST", "/v1/inventory/s1/restock", R"({"quantity": 1})",
                   {{"Idempotency-Key", "other-" + std::to_string(i)}})
                  .status,
              200);
  auto retry_answers_the_first_reply = [&] {
    auto retry = call("POST", "/v1/inventory/s1/restock", R"({"quantity": 5})",
                      {{"Idempotency-Key", "first"}});
    EXPECT_EQ(retry.status, 200) << retry.body;
    EXPECT_EQ(retry.body, first.body);
    EXPECT_EQ(retry.get_header_value("ETag"), first.get_header_value("ETag"));
    EXPECT_EQ(retry.get_header_value("X-Consistency-Token"),
              first.get_header_value("X-Consistency-Token"));
    EXPECT_EQ(body_of(call("GET", "/v1/inventory/s1"))["on_hand"], 1005);
  };
  retry_answers_the_first_reply();
  ASSERT_TRUE(db().kv().erase("idem/first"));
  api_.reset();
  start();  // a restart
  open_api();
  retry_answers_the_first_reply();
}

TEST_F(ApiTest, ARepeatedKeyedCommandGetsItsFirstReplyNotTheCurrentState) {
  std::string item = R"({"sku": "s1", "quantity": 2, "unit_price_cents": 100})";
  ASSERT_EQ(call("POST", "/v1/orders", R"({"customer_id": "c1", "order_id": "o1"})").status, 201);
  auto first = call("POST", "/v1/orders/o1/items", item, {{"Idempotency-Key", "add-1"}});
  ASSERT_EQ(first.status, 200);
  auto shipped = call("POST", "/v1/orders/o2/ship", "", {{"Idempotency-Key", "ship-1"}});
  ASSERT_EQ(shipped.status, 404);
  auto rejected = call("POST", "/v1/orders/o1/ship", "", {{"Idempotency-Key", "ship-2"}});
  ASSERT_EQ(rejected.status, 409);
  ASSERT_EQ(
      call("POST", "/v1/orders/o1/items", R"({"sku": "s2", "quantity": 1, "unit_price_cents": 1})")
          .status,
      200);
  for (auto key : {"idem/add-1", "idem/ship-2"}) ASSERT_TRUE(db().kv().erase(key));
  auto again = call("POST", "/v1/orders/o1/items", item, {{"Idempotency-Key", "add-1"}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.get_header_value("ETag"), first.get_header_value("ETag"));
  auto rejected_again = call("POST", "/v1/orders/o1/ship", "", {{"Idempotency-Key", "ship-2"}});
  EXPECT_EQ(rejected_again.status, 409);
  EXPECT_EQ(body_of(rejected_again)["aggregate_status"], "draft");
  EXPECT_EQ(body_of(rejected_again)["detail"], body_of(rejected)["detail"]);
}

TEST_F(ApiTest, IfMatchMismatchIsVersionConflict) {
  ASSERT_EQ(call("POST", "/v1/orders", R"({"customer_id": "c1", "order_id": "o1"})").status, 201);
  auto res = call("POST", "/v1/orders/o1/cancel", "", {{"If-Match", "\"5\""}});
  EXPECT_EQ(res.status, 412);
  auto problem = body_of(res);
  EXPECT_EQ(problem["expected"], 5);
  EXPECT_EQ(problem["actual"], 1);
  EXPECT_EQ(call("POST", "/v1/orders/o1/cancel", "", {{"If-Match", "\"1\""}}).status, 200);
}

TEST_F(ApiTest, InvalidStateCarriesTheAggregateStatus) {
  ASSERT_EQ(call("POST", "/v1/orders", R"({"customer_id": "c1", "order_id": "o1"})").status, 201);
  auto res = call("POST", "/v1/orders/o1/ship");
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(body_of(res)["code"], "invalid_state");
  EXPECT_EQ(body_of(res)["aggregate_status"], "draft");
}

TEST_F(ApiTest, ConsistencyTokenPastTheJournalsEndIsRefusedAtOnce) {
  auto created = call("POST", "/v1/orders", R"({"customer_id": "c1", "order_id": "o1"})");
  ASSERT_EQ(created.status, 201);
  auto token = created.get_header_value("X-Consistency-Token");
  EXPECT_EQ(call("GET", "/v1/views/stats", "", {{"X-Consistency-Token", token}}).status, 200);
  auto past = call("GET", "/v1/views/stats?wait_ms=10000", "", {{"X-Consistency-Token", "p1000"}});
  EXPECT_EQ(past.status, 400);
  EXPECT_EQ(body_of(past)["errors"][0]["field"], "X-Consistency-Token");
}

TEST_F(ApiTest, BadPathIdsNeverReachAnActor) {
  auto res = call("GET", "/v1/orders/-bad");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(body_of(res)["errors"][0]["field"], "id");
  EXPECT_EQ(node().context().stats.aggregates_live.load(), 0u);
}

TEST_F(ApiTest, AuthChecksTokensAndRoles) {
  settings_.auth.tokens = {{"client-t", config::role::client}, {"viewer-t", config::role::viewer}};
  open_api();
  EXPECT_EQ(call("GET", "/v1/orders/o1").status, 401);
  EXPECT_EQ(call("GET", "/v1/orders/o1", "", {{"Authorization", "Bearer viewer-t"}}).status, 403);
  EXPECT_EQ(call("GET", "/v1/orders/o1", "", {{"Authorization", "Bearer client-t"}}).status, 404);
  EXPECT_EQ(call("GET", "/v1/inspect/node", "", {{"Authorization", "Bearer client-t"}}).status,
            403);
  EXPECT_EQ(call("GET", "/v1/inspect/node", "", {{"Authorization", "Bearer viewer-t"}}).status,
            200);
  EXPECT_EQ(call("GET", "/healthz").status, 200);
}

TEST_F(ApiTest, HistoryReplaysTheJournalAndIgnoresSnapshotsBeyondTheBound) {
  ASSERT_EQ(call("POST", "/v1/orders", R"({"customer_id": "c1", "order_id": "o1"})").status, 201);
  for (int quantity : {2, 3})
    ASSERT_EQ(call("POST", "/v1/orders/o1/items",
                   json{{"sku", "s1"}, {"quantity", quantity}, {"unit_price_cents", 100}}.dump())
                  .status,
              200);
  auto events = db().events().read("order-o1").value();
  ASSERT_EQ(events.size(), 3u);
  // A snapshot of version 3 that no fold of the events gives (quantity 99), taken a minute after
  // the last event: a replay that uses it shows 99.
  domain::order_decider::state state{};
  for (auto& e : events)
    domain::order_decider::evolve(
        state, *domain::order_decider::decode({e.type, e.schema_version, e.data}), e.timestamp_ms);
  state.items.front().quantity = 99;
  auto taken_at = events.back().timestamp_ms + 60'000;
  ASSERT_TRUE(
      db().snapshots().save({"order-o1", 3, domain::order_decider::snapshot_schema, taken_at,
                             readmodel::encode_aggregate_snapshot<domain::order_decider>(
                                 state, readmodel::remembered_commands())}));

  auto quantity_at = [&](const std::string& query) {
    auto res = call("GET", "/v1/orders/o1/history?" + query);
    EXPECT_EQ(res.status, 200) << query << ": " << res.body;
    return res.status == 200 ? body_of(res)["items"][0]["quantity"].get<int>() : -1;
  };
  EXPECT_EQ(quantity_at("version=2"), 2);
  EXPECT_EQ(quantity_at("version=3"), 99);
  EXPECT_EQ(quantity_at("at=" + domain::format_rfc3339(events.back().timestamp_ms)), 5);
  EXPECT_EQ(quantity_at("at=" + domain::format_rfc3339(taken_at)), 99);
  EXPECT_EQ(call("GET", "/v1/orders/o1/history?version=2").get_header_value("ETag"), "\"2\"");
  EXPECT_EQ(call("GET", "/v1/orders/o1/history?version=4").status, 404);
  EXPECT_EQ(call("GET", "/v1/orders/nobody/history?version=1").status, 404);

  // An event no decider can read is the journal failing the read: 503, never a 500 or a skip.
  persistence::append_request teleported{
      "order-o1", persistence::expected_version::exact(3), {}, {}};
  teleported.events.push_back({"OrderTeleported", 1, taken_at, "", "", "", "{}"});
  ASSERT_TRUE(db().events().append(std::move(teleported)));
  auto unreadable = call("GET", "/v1/orders/o1/history?version=4");
  EXPECT_EQ(unreadable.status, 503) << unreadable.body;
  EXPECT_EQ(body_of(unreadable)["code"], "unavailable");
  EXPECT_EQ(quantity_at("version=2"), 2);
}

TEST_F(ApiTest, MetricsCountRequestsByRouteTemplate) {
  call("GET", "/v1/orders/o1");
  call("GET", "/v1/orders/o2");
  auto metrics = call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(R"(ordo_http_requests_total{route="/v1/orders/{id}",code="404"} 2)"),
            std::string::npos)
      << metrics.body;
}

}  // namespace
}  // namespace ordo::http
