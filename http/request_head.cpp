#include "http/request_head.hpp"

namespace ordo::http {

std::size_t head_end(std::string_view bytes, std::size_t& scanned) {
  auto request_line_end = bytes.find('\n');
  if (request_line_end == std::string_view::npos) {
    scanned = bytes.size();
    return 0;
  }
  // A line "\r\n" after the request line: its '\n' follows "\n\r". Looking from two bytes before
  // where the last call stopped finds one that straddles the two calls.
  auto from = scanned > request_line_end + 2 ? scanned - 2 : request_line_end;
  auto blank = bytes.find("\n\r\n", from);
  if (blank == std::string_view::npos) {
    scanned = bytes.size();
    return 0;
  }
  return blank + 3;
}

}  // namespace ordo::http
