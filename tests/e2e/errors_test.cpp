// Every error code of docs/API.md's table over real HTTP (401 and 403 are in auth_test.cpp), as
// problem+json, and the guarantees around them: idempotent replays and If-Match.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>

#include "node_process.hpp"
#include "slow_disk.hpp"

namespace ordo::e2e {
namespace {

using json = nlohmann::json;

class Errors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_data_dir("errors");
    node_ = std::make_unique<node_process>(dir_);
    api_client api(node_->port());
    ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c1"}, {"order_id", "err-1"}}).status, 201);
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(node_->stop(), 0);
    node_.reset();
    std::filesystem::remove_all(dir_);
  }

  api_client client() { return api_client(node_->port()); }

  // Checks the problem+json shape and returns its body.
  static json expect_problem(const response& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    auto body = r.json();
    EXPECT_EQ(body["type"], "/problems/" + code);
    EXPECT_EQ(body["status"], status);
    EXPECT_EQ(body["code"], code);
    EXPECT_TRUE(body["title"].is_string());
    EXPECT_TRUE(body["detail"].is_string());
    EXPECT_FALSE(r.header("X-Request-Id").empty());
    return body;
  }

  static inline std::filesystem::path dir_;
  static inline std::unique_ptr<node_process> node_;
};

TEST_F(Errors, MalformedJsonIs400) {
  auto api = client();
  expect_problem(api.call("POST", "/v1/orders", "{\"customer_id\":"), 400, "malformed_json");
  expect_problem(api.call("POST", "/v1/orders", "[1, 2]"), 400, "malformed_json");
  expect_problem(api.call("POST", "/v1/orders/err-1/place", ""), 400, "malformed_json");
}

TEST_F(Errors, ValidationFailedNamesTheFields) {
  auto api = client();
  auto body = expect_problem(
      api.post("/v1/orders/err-1/items", {{"sku", "s"}, {"quantity", 0}, {"unit_price_cents", 1}}),
      400, "validation_failed");
  ASSERT_TRUE(body["errors"].is_array());
  EXPECT_EQ(body["errors"][0]["field"], "quantity");
  body = expect_problem(api.get("/v1/orders/bad%20id"), 400, "validation_failed");
  EXPECT_EQ(body["errors"][0]["field"], "id");
  body = expect_problem(api.post("/v1/orders", {{"customer_id", "c1"}, {"order_id", "-x"}}), 400,
                        "validation_failed");
  EXPECT_EQ(body["errors"][0]["field"], "order_id");
  expect_problem(api.post("/v1/orders/err-1/place", {{"payment_token", "tok_unknown"}}), 400,
                 "validation_failed");
}

TEST_F(Errors, NotFoundForUnknownRoutesAndAggregates) {
  auto api = client();
  expect_problem(api.get("/v1/unknown"), 404, "not_found");
  expect_problem(api.get("/v1/orders/nobody"), 404, "not_found");
  expect_problem(
      api.post("/v1/orders/nobody/items", {{"sku", "s"}, {"quantity", 1}, {"unit_price_cents", 1}}),
      404, "not_found");
}

TEST_F(Errors, MethodNotAllowedListsTheAllowedMethods) {
  auto r = client().call("PUT", "/v1/orders", "{}");
  expect_problem(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("Allow"), "POST");
  r = client().call("DELETE", "/v1/orders/err-1");
  expect_problem(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("Allow"), "GET");
}

TEST_F(Errors, InvalidStateAndAlreadyExistsAre409) {
  auto api = client();
  auto body =
      expect_problem(api.post("/v1/orders/err-1/ship", json::object()), 409, "invalid_state");
  EXPECT_EQ(body["aggregate_status"], "draft");
  expect_problem(api.post("/v1/orders/err-1/place", {{"payment_token", "tok_ok"}}), 409,
                 "invalid_state");  // no items yet
  expect_problem(api.post("/v1/orders", {{"customer_id", "c1"}, {"order_id", "err-1"}}), 409,
                 "already_exists");
}

TEST_F(Errors, IfMatchMismatchIs412AndAMatchApplies) {
  auto api = client();
  ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c1"}, {"order_id", "err-etag"}}).status, 201);
  auto add = [&](const std::string& etag) {
    return api.post("/v1/orders/err-etag/items",
                    {{"sku", "s"}, {"quantity", 1}, {"unit_price_cents", 5}}, {{"If-Match", etag}});
  };
  auto body = expect_problem(add("\"7\""), 412, "version_conflict");
  EXPECT_EQ(body["expected"], 7);
  EXPECT_EQ(body["actual"], 1);
  auto applied = add("\"1\"");
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(applied.header("ETag"), "\"2\"");
  expect_problem(add("\"1\""), 412, "version_conflict");  // a lost update, refused
}

TEST_F(Errors, PayloadOverTheLimitIs413) {
  std::string big = R"({"customer_id": "c1", "pad": ")" + std::string(70000, 'x') + "\"}";
  expect_problem(client().call("POST", "/v1/orders", big), 413, "payload_too_large");
}

TEST_F(Errors, ChunkedBodyOverTheLimitIs413) {
  std::string chunk(40000, 'x');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  std::string request =
      "POST /v1/orders HTTP/1.1\r\nHost: localhost\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 2; ++i) request += std::string(size) + "\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  auto answer = raw_exchange(node_->port(), request);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer.substr(0, 200);
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos);
}

TEST_F(Errors, NonJsonBodyIs415) {
  expect_problem(client().call("POST", "/v1/orders", "customer_id=c1",
                               {{"Content-Type", "application/x-www-form-urlencoded"}}),
                 415, "unsupported_media_type");
}

TEST_F(Errors, IdempotencyKeyReplaysAndRefusesAnotherRequest) {
  auto api = client();
  json body{{"customer_id", "c9"}};
  auto first = api.post("/v1/orders", body, {{"Idempotency-Key", "e2e-key-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  auto replay = api.post("/v1/orders", body, {{"Idempotency-Key", "e2e-key-1"}});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.header("ETag"), first.header("ETag"));
  auto id = first.json()["order_id"].get<std::string>();
  EXPECT_EQ(api.get("/v1/orders/" + id + "/events").json()["highest_version"], 1);
  expect_problem(
      api.post("/v1/orders", {{"customer_id", "c10"}}, {{"Idempotency-Key", "e2e-key-1"}}), 422,
      "idempotency_key_reused");
}

TEST_F(Errors, ConsistencyTokenPastTheJournalsEndIs400AtOnce) {
  auto r = client().get("/v1/views/stats?wait_ms=10000", {{"X-Consistency-Token", "p999999999"}});
  expect_problem(r, 400, "validation_failed");
  EXPECT_EQ(r.json()["errors"][0]["field"], "X-Consistency-Token");
}

TEST(Overload, BeyondMaxInFlightIs429WithRetryAfterButTheLivenessProbeStays200) {
  auto dir = fresh_data_dir("overload");
  slow_disk disk(dir.string() + "-disk");
  node_process node(dir, {}, [&] {
    auto env = disk.env();
    env.push_back("ORDO_HTTP_MAX_IN_FLIGHT=1");
    return env;
  }());
  // One request holds the only slot: a command that waits for a slow journal sync (several of
  // them take less than the gateway's 5 s deadline). It asks again while refused, since the
  // requests below may hold the slot for a moment.
  disk.slow_down(std::chrono::milliseconds(1200));
  auto held = std::async(std::launch::async, [&] {
    for (;;) {
      auto r = api_client(node.port()).post("/v1/inventory/held/restock", {{"quantity", 1}});
      if (r.status != 429) return r;
    }
  });
  // Asked until the held request has reached its slot (on a loaded machine or under a sanitizer
  // that takes longer than any fixed pause); from then until it ends, every other is refused.
  response refused;
  do {
    refused = api_client(node.port()).get("/v1/views/stats");
  } while (refused.status == 200 &&
           held.wait_for(std::chrono::milliseconds(10)) == std::future_status::timeout);
  auto probe = api_client(node.port()).get("/healthz");
  bool slot_still_held = held.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout;
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.json()["code"], "overloaded");
  EXPECT_EQ(refused.header("Retry-After"), "1");
  EXPECT_TRUE(slot_still_held);
  EXPECT_EQ(probe.status, 200) << probe.body;
  EXPECT_EQ(held.get().status, 200);
  disk.restore();
  EXPECT_EQ(node.stop(), 0);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dir.string() + "-disk");
}

}  // namespace
}  // namespace ordo::e2e
