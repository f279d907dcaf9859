#include "http/framing.hpp"

#include <httplib.h>
#include <strings.h>

#include <algorithm>
#include <string>

namespace ordo::http {

namespace {

// httplib adds REMOTE_ADDR, REMOTE_PORT, LOCAL_ADDR and LOCAL_PORT to every request.
constexpr std::size_t added_header_fields = 4;
// 19 digits always fit in 64 bits.
constexpr std::size_t max_length_digits = 19;

bool all_digits(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

reply unreadable(std::string_view field, std::string_view message) {
  auto r = invalid_field(field, message);
  r.with_header("Connection", "close");
  return r;
}

bool takes_no_body(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace

reply too_large(std::size_t max_body_bytes) {
  auto r = problem("payload_too_large",
                   "the request body is over " + std::to_string(max_body_bytes) + " bytes");
  r.with_header("Connection", "close");
  return r;
}

std::optional<reply> framing_problem(const httplib::Request& req, std::size_t max_body_bytes) {
  if (req.headers.size() > max_header_fields + added_header_fields)
    return unreadable("headers", "at most " + std::to_string(max_header_fields) + " header fields");

  const auto lengths = req.get_header_value_count("Content-Length");
  const auto encodings = req.get_header_value_count("Transfer-Encoding");
  if (encodings > 0) {
    if (encodings > 1 ||
        strcasecmp(req.get_header_value("Transfer-Encoding").c_str(), "chunked") != 0)
      return unreadable("Transfer-Encoding", "only a single \"chunked\" is understood");
    if (lengths > 0) return unreadable("Content-Length", "must not come with Transfer-Encoding");
  }
  std::string length;
  for (std::size_t i = 0; i < lengths; ++i) {
    auto value = req.get_header_value("Content-Length", i);
    if (!all_digits(value) || (i > 0 && value != length))
      return unreadable("Content-Length", "must be one decimal number");
    length = std::move(value);
  }
  const bool announces_body =
      encodings > 0 || (!length.empty() && length.find_first_not_of('0') != std::string::npos);
  if (announces_body && takes_no_body(req.method))
    return unreadable("body", req.method + " takes no body");
  if (!length.empty() && (length.size() > max_length_digits ||
                          std::stoull(length) > static_cast<unsigned long long>(max_body_bytes)))
    return too_large(max_body_bytes);
  return std::nullopt;
}

bool carries_body(const httplib::Request& req) {
  if (!req.body.empty() || req.has_header("Transfer-Encoding")) return true;
  auto length = req.get_header_value("Content-Length");
  return !length.empty() && length.find_first_not_of('0') != std::string::npos;
}

}  // namespace ordo::http
