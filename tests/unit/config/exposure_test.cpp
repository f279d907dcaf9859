// When `ordo serve` refuses its settings as too exposed (config/exposure.hpp).
#include "config/exposure.hpp"

#include <gtest/gtest.h>

namespace ordo::config {
namespace {

settings on(std::string host, std::vector<auth_token> tokens = {}, bool tls = false) {
  settings s;
  s.http.host = std::move(host);
  s.auth.tokens = std::move(tokens);
  if (tls) s.http.tls = {.cert = "node.pem", .key = "node.key"};
  return s;
}

const std::vector<auth_token> admin_token{{"t", role::admin}};

TEST(Exposure, LoopbackHosts) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("::"));
  EXPECT_FALSE(is_loopback_host("localhost.evil.example"));
}

TEST(Exposure, RefusesNonLoopbackWithoutTokensUnlessInsecure) {
  EXPECT_EQ(refuse_to_serve(on("127.0.0.1"), false), std::nullopt);
  auto refused = refuse_to_serve(on("0.0.0.0"), false);
  ASSERT_NE(refused, std::nullopt);
  EXPECT_NE(refused->find("without auth.tokens"), std::string::npos) << *refused;
  EXPECT_EQ(refuse_to_serve(on("0.0.0.0"), true), std::nullopt);
}

TEST(Exposure, RefusesTokensOverPlainHttpOffLoopbackUnlessInsecure) {
  auto refused = refuse_to_serve(on("0.0.0.0", admin_token), false);
  ASSERT_NE(refused, std::nullopt);
  EXPECT_NE(refused->find("plain HTTP"), std::string::npos) << *refused;
  EXPECT_EQ(refused->find('\n'), std::string::npos);
  EXPECT_EQ(refuse_to_serve(on("192.168.1.5", admin_token), true), std::nullopt);
  EXPECT_EQ(refuse_to_serve(on("0.0.0.0", admin_token, /*tls=*/true), false), std::nullopt);
  EXPECT_EQ(refuse_to_serve(on("127.0.0.1", admin_token), false), std::nullopt);
  EXPECT_EQ(refuse_to_serve(on("::1", admin_token), false), std::nullopt);
}

}  // namespace
}  // namespace ordo::config
