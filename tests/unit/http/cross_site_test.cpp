// The Host and Origin rules (http/cross_site.hpp) on requests built by hand.
#include "http/cross_site.hpp"

#include <gtest/gtest.h>

namespace ordo::http {
namespace {

struct built_request {
  httplib::Request raw;
  std::map<std::string, std::string, std::less<>> params;
  built_request(std::string method, httplib::Headers headers) {
    raw.method = std::move(method);
    raw.headers = std::move(headers);
  }
  request view() const { return {raw, params, "r1"}; }
};

TEST(CrossSite, HostNameOfStripsThePort) {
  EXPECT_EQ(host_name_of("localhost:8080"), "localhost");
  EXPECT_EQ(host_name_of("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(host_name_of("[::1]:8080"), "::1");
  EXPECT_EQ(host_name_of("[::1]"), "::1");
  for (auto bad : {"", ":80", "a:", "a:x", "::1", "[::1", "[::1]x", "[::1]:", "a:123456"})
    EXPECT_EQ(host_name_of(bad), std::nullopt) << bad;
}

TEST(CrossSite, WithoutTokensOnlyNamesThatCannotBeReboundAreServed) {
  cross_site_rules rules(/*check_host=*/true, "ordo.internal", /*tls=*/false);
  for (auto host : {"localhost", "LOCALHOST:1", "127.0.0.1:8080", "[::1]:8080", "10.1.2.3",
                    "[2001:db8::1]:80", "ordo.internal:8080", "Ordo.Internal"})
    EXPECT_EQ(rules.host_problem(built_request("GET", {{"Host", host}}).view()), std::nullopt)
        << host;
  EXPECT_EQ(rules.host_problem(built_request("GET", {}).view()), std::nullopt);
  for (auto host : {"evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.1.x"}) {
    auto refused = rules.host_problem(built_request("GET", {{"Host", host}}).view());
    ASSERT_NE(refused, std::nullopt) << host;
    EXPECT_EQ(refused->status, 400);
  }
  cross_site_rules with_tokens(/*check_host=*/false, "0.0.0.0", /*tls=*/true);
  EXPECT_EQ(with_tokens.host_problem(built_request("GET", {{"Host", "evil.example"}}).view()),
            std::nullopt);
}

TEST(CrossSite, OnlyTheNodesOwnOriginMayChangeState) {
  cross_site_rules rules(true, "127.0.0.1", false);
  auto origin_of = [&](std::string method, std::string origin) {
    return rules.origin_problem(
        built_request(std::move(method), {{"Host", "127.0.0.1:8080"}, {"Origin", origin}}).view());
  };
  EXPECT_EQ(origin_of("POST", "http://127.0.0.1:8080"), std::nullopt);
  EXPECT_EQ(origin_of("GET", "http://evil.example"), std::nullopt);
  for (auto method : {"POST", "DELETE", "PUT", "PATCH"})
    for (auto origin : {"http://evil.example", "null", "https://127.0.0.1:8080",
                        "http://127.0.0.1:8081", "http://127.0.0.1"}) {
      auto refused = origin_of(method, origin);
      ASSERT_NE(refused, std::nullopt) << method << " " << origin;
      EXPECT_EQ(refused->status, 403);
    }
  EXPECT_EQ(rules.origin_problem(built_request("POST", {{"Host", "127.0.0.1:8080"}}).view()),
            std::nullopt);
  cross_site_rules tls(false, "0.0.0.0", true);
  EXPECT_EQ(tls.origin_problem(built_request("POST", {{"Host", "ordo.example"},
                                                      {"Origin", "https://ordo.example"}})
                                   .view()),
            std::nullopt);
}

}  // namespace
}  // namespace ordo::http
