// A raw TCP connection to a node, for what httplib::Client cannot send: broken request lines and
// framing, stalls, bodies cut short. It reads back exactly what the node answers, bounded in time.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace ordo::e2e {

// What came back on a raw connection.
struct raw_answer {
  int status = 0;  // 0: no whole status line came
  std::string content_type;
  std::string body;
  bool closed = false;     // the node closed the connection
  bool timed_out = false;  // neither a whole response nor a close came within the limit
  std::string bytes;       // everything read
};

class raw_connection {
 public:
  // Connects to 127.0.0.1:port; throws if it cannot.
  explicit raw_connection(int port);
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  // Sends all of `bytes`; false once the node no longer takes them (it answered and closed).
  bool send(std::string_view bytes);
  // Half-closes: the node reads end-of-file after what was sent.
  void finish_sending();
  // Reads one whole response (its body by Content-Length), or what came before the node closed
  // the connection, or what came within `limit` (then `timed_out`). Bytes past the response are
  // kept for the next call (pipelined answers).
  raw_answer read_answer(std::chrono::milliseconds limit);

 private:
  int fd_ = -1;
  std::string pending_;  // read past the last answer
};

// Sends `request` on a new connection and reads the answer (see read_answer).
raw_answer raw_request(int port, std::string_view request,
                       std::chrono::milliseconds limit = std::chrono::seconds(5));

}  // namespace ordo::e2e
