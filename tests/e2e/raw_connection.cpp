#include "raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <stdexcept>

namespace ordo::e2e {

namespace {

struct parsed_head {
  int status = 0;
  std::string content_type;
  std::size_t content_length = 0;
  std::size_t body_start = 0;
};

// The status line and headers of `bytes`, once they are complete.
std::optional<parsed_head> parse_head(const std::string& bytes) {
  auto end = bytes.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  parsed_head head;
  head.body_start = end + 4;
  auto line_end = bytes.find("\r\n");
  auto status_line = bytes.substr(0, line_end);
  if (status_line.starts_with("HTTP/1.") && status_line.size() >= 12)
    head.status = std::atoi(status_line.substr(9, 3).c_str());
  for (auto at = line_end + 2; at < end;) {
    auto next = bytes.find("\r\n", at);
    auto line = bytes.substr(at, next - at);
    at = next + 2;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto name = line.substr(0, colon);
    auto value = line.substr(line.find_first_not_of(' ', colon + 1));
    if (strcasecmp(name.c_str(), "Content-Length") == 0)
      head.content_length = std::stoull(value);
    else if (strcasecmp(name.c_str(), "Content-Type") == 0)
      head.content_type = value;
  }
  return head;
}

// Fills the parsed parts of `answer` from its bytes. Once a whole response is there, moves the
// bytes past it to `rest` and returns true.
bool complete(raw_answer& answer, std::string& rest) {
  auto head = parse_head(answer.bytes);
  if (!head) return false;
  answer.status = head->status;
  answer.content_type = head->content_type;
  answer.body = answer.bytes.substr(head->body_start, head->content_length);
  auto end = head->body_start + head->content_length;
  if (answer.bytes.size() < end) return false;
  rest = answer.bytes.substr(end);
  answer.bytes.resize(end);
  return true;
}

}  // namespace

raw_connection::raw_connection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
}

raw_connection::~raw_connection() {
  if (fd_ >= 0) close(fd_);
}

bool raw_connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void raw_connection::finish_sending() {
  shutdown(fd_, SHUT_WR);
}

raw_answer raw_connection::read_answer(std::chrono::milliseconds limit) {
  raw_answer answer;
  answer.bytes = std::move(pending_);
  pending_.clear();
  if (complete(answer, pending_)) return answer;
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      answer.timed_out = true;
      complete(answer, pending_);
      return answer;
    }
    char buf[16384];
    auto n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {  // end of file, or reset after the node closed with unread input
      answer.closed = true;
      complete(answer, pending_);
      return answer;
    }
    answer.bytes.append(buf, static_cast<std::size_t>(n));
    if (complete(answer, pending_)) return answer;
  }
}

raw_answer raw_request(int port, std::string_view request, std::chrono::milliseconds limit) {
  raw_connection connection(port);
  // The node may answer and close before it has read everything: that is part of what is tested.
  (void)connection.send(request);
  return connection.read_answer(limit);
}

}  // namespace ordo::e2e
