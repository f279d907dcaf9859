// One client connection of the plain-HTTP front (http/front.hpp), and the httplib::Stream a worker
// runs httplib's request handling over. The front owns a connection while it waits for a request
// head; a worker owns it while the request is answered; then it goes back to the front.
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ordo::http {

struct connection {
  using clock = std::chrono::steady_clock;

  int fd = -1;         // non-blocking
  SSL* ssl = nullptr;  // HTTPS: the session over fd
  std::string peer_ip;
  int peer_port = 0;
  std::string local_ip;
  int local_port = 0;
  std::string buffered;          // read from the socket, not yet consumed by a request
  std::size_t head_scanned = 0;  // bytes of `buffered` already searched for the head's end
  std::size_t requests = 0;      // requests answered on this connection
};

// One non-blocking read or write on a connection, through its TLS session if it has one.
enum class io_state {
  done,        // `bytes` were read or written
  want_read,   // nothing now: wait until the socket is readable
  want_write,  // nothing now: wait until the socket is writable
  closed,      // the client closed (reads only)
  failed,
};
struct io_result {
  io_state state;
  std::size_t bytes = 0;
};
io_result read_some(connection& c, char* into, std::size_t size);
io_result write_some(connection& c, const char* from, std::size_t size);

// Reads what the socket has now into c.buffered, never more than one byte past max_head_bytes
// (enough to know that a head is too long). False once the client closed (perhaps only its
// sending side) or the socket failed; what was read stays buffered either way.
bool read_available(connection& c);

// Whether c.buffered begins with a whole request head of at most max_head_bytes.
bool has_whole_head(connection& c);

// Reads a request from what the front buffered, then from the socket, all before one deadline
// for the whole rest of the request (its body); writes the answer before a deadline counted from
// its first byte. A deadline missed reads or writes as an error, which httplib answers or closes.
class connection_stream final : public httplib::Stream {
 public:
  connection_stream(connection& c, std::chrono::milliseconds timeout);
  ~connection_stream() override;  // drops the consumed bytes from c.buffered

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return c_.fd; }

  // Sends what write() kept back; false when the connection failed or timed out. Called once the
  // answer is complete, and before every read (an interim "100 Continue" must reach the client
  // before its body can arrive).
  bool flush();

 private:
  // Sends all of [ptr, ptr + size) within the write deadline.
  bool send_all(const char* ptr, std::size_t size);
  // Waits until the socket is ready for what `state` wants, or `deadline` passes.
  bool wait_for(io_state state, connection::clock::time_point deadline) const;

  connection& c_;
  std::chrono::milliseconds timeout_;
  connection::clock::time_point read_deadline_;
  connection::clock::time_point write_deadline_{};  // set by the first write
  std::size_t consumed_ = 0;                        // of c_.buffered
  // An answer's head and body, written by httplib in several calls, leave in one send: one
  // segment to the client instead of two (TCP_NODELAY sends each write at once).
  std::string unsent_;
};

}  // namespace ordo::http
