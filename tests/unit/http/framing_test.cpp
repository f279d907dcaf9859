// How a request frames its body, judged before the body is read (http/framing.hpp).
#include "http/framing.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

namespace ordo::http {
namespace {

httplib::Request request(std::string method, httplib::Headers headers) {
  httplib::Request req;
  req.method = std::move(method);
  req.headers = std::move(headers);
  return req;
}

std::string field_of(const reply& r) {
  return nlohmann::json::parse(r.body)["errors"][0]["field"].get<std::string>();
}

TEST(Framing, APlainBodyOrNoneIsFine) {
  EXPECT_FALSE(framing_problem(request("POST", {{"Content-Length", "12"}}), 100));
  EXPECT_FALSE(framing_problem(request("POST", {{"Transfer-Encoding", "Chunked"}}), 100));
  EXPECT_FALSE(framing_problem(request("POST", {}), 100));
  EXPECT_FALSE(framing_problem(request("GET", {{"Content-Length", "0"}}), 100));
  EXPECT_FALSE(
      framing_problem(request("POST", {{"Content-Length", "12"}, {"Content-Length", "12"}}), 100));
}

TEST(Framing, AmbiguousLengthsAre400AndClose) {
  for (httplib::Headers headers :
       {httplib::Headers{{"Content-Length", "12"}, {"Content-Length", "13"}},
        httplib::Headers{{"Content-Length", "abc"}}, httplib::Headers{{"Content-Length", "-1"}},
        httplib::Headers{{"Content-Length", "+5"}}, httplib::Headers{{"Content-Length", ""}}}) {
    auto r = framing_problem(request("POST", headers), 100);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(field_of(*r), "Content-Length");
    ASSERT_NE(r->header("Connection"), nullptr);
    EXPECT_EQ(*r->header("Connection"), "close");
  }
}

TEST(Framing, TransferEncodingIsOneChunkedWithoutALength) {
  for (httplib::Headers headers :
       {httplib::Headers{{"Transfer-Encoding", "gzip"}},
        httplib::Headers{{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}},
        httplib::Headers{{"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}}) {
    auto r = framing_problem(request("POST", headers), 100);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
}

TEST(Framing, GetWithABodyIs400) {
  auto r = framing_problem(request("GET", {{"Content-Length", "5"}}), 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(field_of(*r), "body");
}

TEST(Framing, LengthsOverTheLimitAre413) {
  for (auto length : {"101", "99999999999999999999999", "18446744073709551616"}) {
    auto r = framing_problem(request("POST", {{"Content-Length", length}}), 100);
    ASSERT_TRUE(r) << length;
    EXPECT_EQ(r->status, 413) << length;
  }
  EXPECT_FALSE(framing_problem(request("POST", {{"Content-Length", "100"}}), 100));
}

TEST(Framing, MoreThanAHundredHeaderFieldsIs400) {
  httplib::Headers headers;
  for (std::size_t i = 0; i < max_header_fields + 4; ++i)
    headers.emplace("X-" + std::to_string(i), "v");
  EXPECT_FALSE(framing_problem(request("GET", headers), 100));
  headers.emplace("X-one-more", "v");
  auto r = framing_problem(request("GET", headers), 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(field_of(*r), "headers");
}

TEST(Framing, AnnouncedBodiesCountAsCarried) {
  EXPECT_TRUE(carries_body(request("POST", {{"Content-Length", "3"}})));
  EXPECT_TRUE(carries_body(request("POST", {{"Transfer-Encoding", "chunked"}})));
  EXPECT_FALSE(carries_body(request("POST", {{"Content-Length", "000"}})));
  EXPECT_FALSE(carries_body(request("POST", {})));
}

}  // namespace
}  // namespace ordo::http
