// Hostile input in well-formed HTTP: bodies that are not JSON, of the wrong types, with numbers
// out of every range, nested 60 000 deep, with invalid UTF-8; ids with '/', "..", NUL, %2F; bodies
// over the size limit and of other media types; query parameters and headers out of range. Each
// gets a 4xx problem+json, and the node and its data stay as they were (hostile_fixture.hpp).
// Broken HTTP itself is in hostile_http_test.cpp.
#include <zlib.h>

#include "hostile_fixture.hpp"

namespace ordo::e2e {
namespace {

const std::string items = "/v1/orders/victim/items";

std::string item_with(const std::string& field, const std::string& value) {
  std::string body = R"({"sku": "sku-h", "quantity": 1, "unit_price_cents": 100})";
  auto at = body.find("\"" + field + "\": ");
  auto start = at + field.size() + 4;
  auto end = body.find_first_of(",}", start);
  return body.replace(start, end - start, value);
}

std::string gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST_F(HostileInput, BodiesThatAreNotJsonObjectsAreMalformedJson) {
  for (const std::string& body : std::vector<std::string>{
           "{", "{\"sku\":", "nul", "{'sku': 'a'}", "{\"sku\": \"a\",}", "{\"a\":1} trailing",
           "{}{}", "[]", "\"text\"", "123", "null", "\x01\x02\x03", std::string("{\0}", 3),
           "{\"sku\": \"\\ud800\"}", "{\"sku\": \"\\x41\"}", "{\"sku\": 01}"}) {
    EXPECT_TRUE(refused(send("POST", items, body), "malformed_json")) << body;
    EXPECT_TRUE(refused(send("POST", "/v1/orders", body), "malformed_json")) << body;
  }
  EXPECT_TRUE(refused(send("POST", items, " "), "malformed_json"));  // required body
}

TEST_F(HostileInput, WrongJsonTypesAreValidationFailures) {
  for (auto value : {"5", "null", "true", "[\"a\"]", "{\"a\": 1}", "\"\""})
    EXPECT_TRUE(refused(send("POST", items, item_with("sku", value)), "validation_failed"))
        << value;
  for (auto value : {"\"1\"", "null", "true", "[1]", "{}", "1.0", "2.5", "1e2"}) {
    EXPECT_TRUE(refused(send("POST", items, item_with("quantity", value)), "validation_failed"))
        << value;
    EXPECT_TRUE(
        refused(send("POST", items, item_with("unit_price_cents", value)), "validation_failed"))
        << value;
  }
  for (std::string body :
       {R"({})", R"({"customer_id": 5})", R"({"customer_id": "c1", "order_id": 5})",
        R"({"customer_id": "c1", "order_id": null})", R"({"customer_id": "c1", "items": {}})",
        R"({"customer_id": "c1", "items": [1, 2]})", R"({"customer_id": "c1", "items": "x"})",
        R"({"customer_id": "c1", "shipping": "x"})",
        R"({"customer_id": "c1", "shipping": {"name": 1, "email": [], "address": {}}})"})
    EXPECT_TRUE(refused(send("POST", "/v1/orders", body), "validation_failed")) << body;
  for (std::string body : {R"({"payment_token": 1})", R"({"payment_token": "tok_unknown"})",
                           R"({"payment_token": null})", R"({})"})
    EXPECT_TRUE(refused(send("POST", "/v1/orders/victim/place", body), "validation_failed"))
        << body;
  for (const std::string& body :
       std::vector<std::string>{R"({"reason": 5})", R"({"reason": ""})", R"({"reason": ["x"]})",
                                R"({"reason": ")" + std::string(501, 'r') + "\"}"})
    EXPECT_TRUE(refused(send("POST", "/v1/orders/victim/cancel", body), "validation_failed"))
        << body;
  EXPECT_TRUE(refused(send("POST", "/v1/inventory/sku-h/restock", R"({"quantity": "9"})"),
                      "validation_failed"));
}

TEST_F(HostileInput, NumbersOutOfEveryRangeAreRefused) {
  for (auto value : {"1e400", "-1e400", "18446744073709551616", "18446744073709551615",
                     "9223372036854775808", "9223372036854775807", "-9223372036854775808",
                     "-9223372036854775809", "-1", "0", "-0", "1e308"}) {
    EXPECT_TRUE(refused(send("POST", items, item_with("quantity", value)))) << value;
    EXPECT_TRUE(refused(send("POST", items, item_with("unit_price_cents", value)))) << value;
    EXPECT_TRUE(refused(
        send("POST", "/v1/inventory/sku-h/restock", std::string(R"({"quantity": )") + value + "}")))
        << value;
  }
  EXPECT_TRUE(refused(send("POST", items, item_with("quantity", "10001"))));
  EXPECT_TRUE(refused(send("POST", items, item_with("unit_price_cents", "1000000001"))));
  EXPECT_TRUE(refused(send("POST", "/v1/inventory/sku-h/restock", R"({"quantity": 1000001})")));
  // The merged quantity of a sku already in the order stays within its limit too.
  EXPECT_TRUE(
      refused(send("POST", items, R"({"sku": "sku-1", "quantity": 9999, "unit_price_cents": 150})"),
              "validation_failed"));
  auto many = nlohmann::json::array();
  for (int i = 0; i < 101; ++i)
    many.push_back({{"sku", "s" + std::to_string(i)}, {"quantity", 1}, {"unit_price_cents", 1}});
  EXPECT_TRUE(refused(
      send("POST", "/v1/orders", nlohmann::json{{"customer_id", "c1"}, {"items", many}}.dump())));
}

TEST_F(HostileInput, DeepNestingIsRefusedBeforeItIsParsed) {
  // Over the body limit: refused by its Content-Length.
  EXPECT_TRUE(refused(send("POST", items, std::string(100000, '[')), "payload_too_large"));
  EXPECT_TRUE(refused(send("POST", items, std::string(60000, '[')), "malformed_json"));
  EXPECT_TRUE(refused(send("POST", items, std::string(30000, '[') + std::string(30000, ']')),
                      "malformed_json"));
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(10000, '}');
  EXPECT_TRUE(refused(send("POST", "/v1/orders", objects), "malformed_json"));
  // Well-formed and of the right shape, with a deep member beside the fields.
  auto deep = R"({"sku": "sku-h", "quantity": 1, "unit_price_cents": 1, "x": )" +
              std::string(20000, '[') + std::string(20000, ']') + "}";
  EXPECT_TRUE(refused(send("POST", items, deep), "malformed_json"));
  EXPECT_TRUE(
      refused(send("POST", "/v1/orders/victim/cancel",
                   R"({"reason": )" + std::string(20000, '[') + std::string(20000, ']') + "}"),
              "malformed_json"));
}

TEST_F(HostileInput, InvalidUtf8IsRefused) {
  for (std::string bad : {"\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "a\x80z"}) {
    EXPECT_TRUE(
        refused(send("POST", items, item_with("sku", "\"" + bad + "\"")), "malformed_json"));
    EXPECT_TRUE(refused(send("POST", "/v1/orders", R"({"customer_id": ")" + bad + "\"}"),
                        "malformed_json"));
    EXPECT_TRUE(refused(raw(raw_text("GET", "/v1/orders/" + bad))));
    EXPECT_TRUE(
        refused(send("POST", "/v1/orders/victim/cancel", "{}", {{"Idempotency-Key", "key-" + bad}}),
                "validation_failed"));
  }
  for (auto encoded : {"%FF%FE", "%C0%AF", "%ED%A0%80", "%E2%82"})
    EXPECT_TRUE(refused(raw(raw_text("GET", std::string("/v1/orders/") + encoded))));
  EXPECT_TRUE(refused(send("POST", items, item_with("sku", R"("a\u0000b")")), "validation_failed"));
  // A request id that cannot be echoed is replaced, not refused.
  auto answered = send("GET", "/v1/orders/victim", "", {{"X-Request-Id", "\xff\xfe"}});
  EXPECT_EQ(answered.status, 200);
  EXPECT_EQ(answered.header("X-Request-Id").size(), 32u);
}

TEST_F(HostileInput, HostileIdsInPathsAreRefused) {
  std::vector<std::string> targets{
      "/v1/orders/..",         "/v1/orders/.",           "/v1/orders/%2E%2E",
      "/v1/orders/%2e",        "/v1/orders/a%2Fb",       "/v1/orders/victim%2F..%2Fvictim",
      "/v1/orders/%00",        "/v1/orders/victim%00",   "/v1/orders/victim%00x",
      "/v1/orders/%",          "/v1/orders/%zz",         "/v1/orders/victim%",
      "/v1/orders/victim%0A",  "/v1/orders/-victim",     "/v1/orders/" + std::string(65, 'a'),
      "/v1/orders//events",    "/v1/orders/victim/../x", "/v1/orders/" + std::string(8000, 'a'),
      "/v1/inventory/..%2F..", "/v1/orders/%20victim",   "/v1/orders/victim%20"};
  for (const auto& target : targets) {
    EXPECT_TRUE(refused(raw(raw_text("GET", target)))) << target;
    EXPECT_TRUE(refused(raw(raw_text("GET", target + "/events")))) << target;
  }
  // An encoded '/' stays inside its segment: never the cancel route of order "victim".
  EXPECT_TRUE(refused(raw(raw_text("POST", "/v1/orders/victim%2Fcancel", "{}"))));
  EXPECT_TRUE(refused(raw(raw_text("POST", "/v1/orders/victim%2Fcancel/cancel", "{}")),
                      "validation_failed"));
  EXPECT_TRUE(refused(raw(raw_text("POST", "/v1/orders/victim%2F/cancel", "{}"))));
  for (auto sku : {"..", "%2E%2E", "..%2F..%2Fx", "sku-1%00", "sku-1%2F", "%FF"})
    EXPECT_TRUE(refused(raw(raw_text("DELETE", std::string("/v1/orders/victim/items/") + sku))))
        << sku;
  // Past the request line limit (8192 bytes): 414.
  auto long_line = raw(raw_text("GET", "/v1/orders/" + std::string(9000, 'a')));
  EXPECT_TRUE(refused(long_line));
  EXPECT_EQ(long_line.status, 414);
}

TEST_F(HostileInput, HostileIdsInBodiesAreRefused) {
  for (const std::string& id :
       std::vector<std::string>{"a/b", "..", ".", "a\\u0000b", "%2F", "victim/../x", "", " victim",
                                "victim\\n", "-a", std::string(65, 'a'), std::string(5000, 'a')}) {
    auto quoted = "\"" + id + "\"";
    EXPECT_TRUE(
        refused(send("POST", "/v1/orders", R"({"customer_id": "c1", "order_id": )" + quoted + "}"),
                "validation_failed"))
        << id;
    EXPECT_TRUE(refused(
        send("POST", "/v1/orders", R"({"order_id": "h-new", "customer_id": )" + quoted + "}"),
        "validation_failed"))
        << id;
    EXPECT_TRUE(refused(send("POST", items, item_with("sku", quoted)), "validation_failed")) << id;
  }
  // A body that names another aggregate than the path.
  EXPECT_TRUE(
      refused(send("POST", "/v1/inventory/sku-h/restock", R"({"sku": "sku-other", "quantity": 5})"),
              "validation_failed"));
}

TEST_F(HostileInput, BodiesOverTheLimitAre413) {
  auto padded = R"({"sku": "sku-h", "quantity": 1, "unit_price_cents": 1, "pad": ")" +
                std::string(65536, 'x') + "\"}";
  EXPECT_TRUE(refused(send("POST", items, padded), "payload_too_large"));
  for (auto length : {"65537", "99999999999999999999999", "18446744073709551616"}) {
    auto head = std::string("POST ") + items +
                " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                "Content-Type: application/json\r\nContent-Length: " +
                length + "\r\n\r\n";
    EXPECT_TRUE(refused(raw(head + "{}")));
    EXPECT_EQ(raw(head + "{}").status, 413) << length;
    // With Expect: 100-continue the node refuses before the body is sent.
    auto expect = raw(head.substr(0, head.size() - 2) + "Expect: 100-continue\r\n\r\n");
    EXPECT_EQ(expect.status, 413) << length;
  }
  // A chunk size past 64 bits, then more bytes than the limit.
  auto chunked = std::string("POST ") + items +
                 " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                 "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "fffffffffffffffffffff\r\n" +
                 std::string(70000, ' ');
  EXPECT_TRUE(refused(raw(chunked)));
  // A small gzip body that inflates far past the limit.
  auto bomb = gzip(R"({"sku": ")" + std::string(20 << 20, 'a') + "\"}");
  ASSERT_LT(bomb.size(), 65536u);
  EXPECT_TRUE(
      refused(send("POST", items, bomb, {{"Content-Encoding", "gzip"}}), "payload_too_large"));
  EXPECT_TRUE(refused(send("POST", items, "{}", {{"Content-Encoding", "zstd"}})));
}

TEST_F(HostileInput, BodiesOfOtherMediaTypesAre415) {
  auto body = item_with("sku", "\"sku-h\"");
  for (auto type : {"text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                    "application/json-patch+json", "text/json", "json", ";", "application/"})
    EXPECT_TRUE(
        refused(send("POST", items, body, {{"Content-Type", type}}), "unsupported_media_type"))
        << type;
  // httplib parses multipart bodies itself; the node must still refuse them, not fail.
  std::string multipart =
      "--XyZ\r\nContent-Disposition: form-data; name=\"sku\"\r\n\r\nsku-h\r\n--XyZ--\r\n";
  EXPECT_TRUE(refused(
      send("POST", items, multipart, {{"Content-Type", "multipart/form-data; boundary=XyZ"}}),
      "unsupported_media_type"));
  EXPECT_TRUE(refused(send("POST", "/v1/orders/victim/cancel", multipart,
                           {{"Content-Type", "multipart/form-data; boundary=XyZ"}}),
                      "unsupported_media_type"));
  EXPECT_TRUE(refused(send("POST", "/v1/orders/victim/cancel", "garbage",
                           {{"Content-Type", "multipart/form-data"}})));
  // A body without any Content-Type.
  auto untyped = std::string("POST /v1/orders/victim/cancel HTTP/1.1\r\nHost: localhost\r\n") +
                 "Connection: close\r\nContent-Length: 2\r\n\r\n{}";
  auto answer = raw(untyped);
  EXPECT_TRUE(refused(answer));
  EXPECT_EQ(answer.status, 415);
}

TEST_F(HostileInput, QueryParametersAndHeadersOutOfRangeAreRefused) {
  for (auto target : {"/v1/orders/victim/events?from=-1",
                      "/v1/orders/victim/events?limit=10001",
                      "/v1/orders/victim/events?limit=99999999999999999999999",
                      "/v1/orders/victim/events?to=abc",
                      "/v1/orders/victim/events?from=1e3",
                      "/v1/orders/victim/events?from=%00",
                      "/v1/orders/victim/history",
                      "/v1/orders/victim/history?version=0",
                      "/v1/orders/victim/history?version=x",
                      "/v1/orders/victim/history?at=2026-13-45T99:99:99Z",
                      "/v1/orders/victim/history?at=%FF",
                      "/v1/orders/victim/history?version=1&at=x",
                      "/v1/views/orders?limit=0",
                      "/v1/views/orders?limit=1e3",
                      "/v1/views/orders?customer_id=..%2F..",
                      "/v1/views/orders?status=%FF",
                      "/v1/views/orders?after=%00",
                      "/v1/views/stats?wait_ms=-1",
                      "/v1/views/stats?wait_ms=99999999999",
                      "/v1/inspect/aggregates?limit=0"})
    EXPECT_TRUE(refused(raw(raw_text("GET", target)), "validation_failed")) << target;
  for (auto token : {"p-1", "pABC", "p", "1", "p99999999999999999999999"})
    EXPECT_TRUE(refused(send("GET", "/v1/views/stats", "", {{"X-Consistency-Token", token}})))
        << token;
  for (auto etag : {"\"abc\"", "\"-1\"", "\"99999999999999999999\"", "\"", "W/", "\"1\"\"2\""})
    EXPECT_TRUE(refused(send("POST", "/v1/orders/victim/cancel", "{}", {{"If-Match", etag}}),
                        "validation_failed"))
        << etag;
  EXPECT_TRUE(refused(
      send("POST", "/v1/orders/victim/cancel", "{}", {{"Idempotency-Key", std::string(129, 'k')}}),
      "validation_failed"));
}

}  // namespace
}  // namespace ordo::e2e
