// Where a request head ends, found by the plain-HTTP front before a worker takes the request
// (http/request_head.hpp).
#include "http/request_head.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ordo::http {
namespace {

std::size_t end_of(std::string_view bytes) {
  std::size_t scanned = 0;
  return head_end(bytes, scanned);
}

TEST(RequestHead, EndsAfterTheFirstBlankLine) {
  std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(end_of(head), head.size());
  EXPECT_EQ(end_of(head + "{\"body\":1}"), head.size());
  EXPECT_EQ(end_of("GET / HTTP/1.1\r\n\r\n"), 18u);
}

TEST(RequestHead, IsIncompleteWithoutABlankLine) {
  EXPECT_EQ(end_of(""), 0u);
  EXPECT_EQ(end_of("GET / HTTP/1.1"), 0u);
  EXPECT_EQ(end_of("GET / HTTP/1.1\r\nHost: x\r\n"), 0u);
  EXPECT_EQ(end_of("GET / HTTP/1.1\r\nHost: x\r\n\r"), 0u);
}

// A blank line as the request line does not end a head that has no request line yet: httplib
// takes the first line as the request line whatever it is.
TEST(RequestHead, TheRequestLineIsNeverTheEnd) {
  EXPECT_EQ(end_of("\r\n"), 0u);
  EXPECT_EQ(end_of("\r\n\r\n"), 4u);
}

TEST(RequestHead, BytesArrivingOneAtATimeFindTheSameEnd) {
  std::string head = "POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n";
  std::string bytes;
  std::size_t scanned = 0;
  std::size_t found = 0;
  for (char c : head + "{}") {
    bytes += c;
    found = head_end(bytes, scanned);
    if (found != 0) break;
  }
  EXPECT_EQ(found, head.size());
  EXPECT_EQ(bytes.size(), head.size());
}

}  // namespace
}  // namespace ordo::http
