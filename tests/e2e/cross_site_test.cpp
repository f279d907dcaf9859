// What another site can make a browser send to a node without auth.tokens (docs/API.md,
// "Browsers and other sites"): a form post (CSRF) and requests through a rebound DNS name. Each is
// refused, and the victim order stays as it was (HostileInput's TearDown checks it).
#include <string>
#include <vector>

#include "hostile_fixture.hpp"

namespace ordo::e2e {
namespace {

const std::string cancel = "/v1/orders/victim/cancel";
const std::string rebuild = "/v1/admin/projections/order_summary/rebuild";

// A request as a browser's form submission sends it: no JSON media type, maybe no body.
std::string form_post(const std::string& target, const std::string& extra_headers,
                      const std::string& body = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST_F(HostileInput, CommandsWithoutTheJsonMediaTypeAreRefusedBodyOrNot) {
  for (const std::string& target : {cancel, rebuild, std::string("/v1/orders/victim/ship")}) {
    EXPECT_TRUE(refused(raw(form_post(target, "")), "unsupported_media_type")) << target;
    EXPECT_TRUE(
        refused(raw(form_post(target, "Content-Type: application/x-www-form-urlencoded\r\n")),
                "unsupported_media_type"))
        << target;
    EXPECT_TRUE(refused(raw(form_post(target, "Content-Type: text/plain\r\n", "{}")),
                        "unsupported_media_type"))
        << target;
    // No Content-Length at all: the way `curl -X POST` sends a command without a body.
    auto bare = "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    EXPECT_TRUE(refused(raw(bare), "unsupported_media_type")) << target;
  }
  EXPECT_TRUE(refused(raw("DELETE /v1/orders/victim/items/sku-1 HTTP/1.1\r\nHost: localhost\r\n"
                          "Connection: close\r\n\r\n"),
                      "unsupported_media_type"));
}

TEST_F(HostileInput, CommandsFromAnotherOriginAreForbidden) {
  for (const std::string& origin : std::vector<std::string>{
           "http://evil.example", "null", "https://localhost:" + std::to_string(port()),
           "http://127.0.0.1:" + std::to_string(port() + 1), "http://127.0.0.1"}) {
    EXPECT_TRUE(refused(send("POST", cancel, "{}", {{"Origin", origin}}), "forbidden")) << origin;
    EXPECT_TRUE(refused(send("POST", rebuild, "", {{"Origin", origin}}), "forbidden")) << origin;
    EXPECT_TRUE(refused(send("DELETE", "/v1/orders/victim/items/sku-1", "", {{"Origin", origin}}),
                        "forbidden"))
        << origin;
    // A form post from another origin gets the Origin refusal whatever its media type.
    EXPECT_TRUE(refused(raw(form_post(cancel, "Origin: " + origin + "\r\n")), "forbidden"))
        << origin;
  }
  // Reads are not refused for their Origin (the browser keeps their answers from other sites).
  EXPECT_EQ(send("GET", "/v1/orders/victim", "", {{"Origin", "http://evil.example"}}).status, 200);
  // The node's own origin (the page it serves at /console) may send commands.
  auto own = send("POST", "/v1/orders", R"({"customer_id": "c1", "order_id": "same-origin"})",
                  {{"Origin", "http://127.0.0.1:" + std::to_string(port())}});
  EXPECT_EQ(own.status, 201) << own.body;
}

TEST_F(HostileInput, RequestsForANameThatCanBeReboundAreRefused) {
  auto at_port = ":" + std::to_string(port());
  for (const std::string& host :
       std::vector<std::string>{"evil.example" + at_port, "evil.example", "localhost.evil.example",
                                "127.0.0.1.nip.io" + at_port, "localhost:x", "[::1"}) {
    auto read = send("GET", "/v1/orders/victim", "", {{"Host", host}});
    EXPECT_TRUE(refused(read, "validation_failed")) << host;
    EXPECT_EQ(read.json()["errors"][0]["field"], "Host") << host;
    EXPECT_TRUE(refused(send("POST", cancel, "{}", {{"Host", host}}), "validation_failed")) << host;
    EXPECT_TRUE(refused(send("POST", rebuild, "{}", {{"Host", host}}), "validation_failed"))
        << host;
  }
  for (const std::string& host :
       std::vector<std::string>{"localhost" + at_port, "LocalHost", "127.0.0.1" + at_port,
                                "[::1]" + at_port, "127.0.0.1", "192.0.2.7" + at_port})
    EXPECT_EQ(send("GET", "/v1/orders/victim", "", {{"Host", host}}).status, 200) << host;
}

}  // namespace
}  // namespace ordo::e2e
