#include "http/connection.hpp"

#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "http/request_head.hpp"

namespace ordo::http {

namespace {

// Bytes asked of the socket at once when the buffered ones run out.
constexpr std::size_t read_chunk = 16384;
// Bytes of an answer kept back to leave in one send; a larger answer goes out as it is written.
constexpr std::size_t unsent_limit = 16384;

int remaining_ms(connection::clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - connection::clock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

io_result socket_result(ssize_t n, bool reading) {
  if (n > 0) return {io_state::done, static_cast<std::size_t>(n)};
  if (n == 0 && reading) return {io_state::closed};
  if (errno == EAGAIN || errno == EWOULDBLOCK)
    return {reading ? io_state::want_read : io_state::want_write};
  return {io_state::failed};
}

io_result tls_result(SSL* ssl, int rc, std::size_t bytes) {
  if (rc == 1) return {io_state::done, bytes};
  switch (SSL_get_error(ssl, rc)) {
    case SSL_ERROR_WANT_READ:
      return {io_state::want_read};
    case SSL_ERROR_WANT_WRITE:
      return {io_state::want_write};
    case SSL_ERROR_ZERO_RETURN:
      return {io_state::closed};
    default:
      return {io_state::failed};
  }
}

}  // namespace

io_result read_some(connection& c, char* into, std::size_t size) {
  if (c.ssl == nullptr) {
    for (;;) {
      auto n = ::recv(c.fd, into, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return socket_result(n, true);
    }
  }
  ERR_clear_error();  // SSL_get_error reads this thread's error queue
  std::size_t got = 0;
  int rc = SSL_read_ex(c.ssl, into, size, &got);
  return tls_result(c.ssl, rc, got);
}

bool read_available(connection& c) {
  while (c.buffered.size() <= max_head_bytes) {
    auto old_size = c.buffered.size();
    auto room = std::min(read_chunk, max_head_bytes + 1 - old_size);
    io_result r{};
    // Grown without zero-filling the chunk that recv overwrites (a 16 KiB memset per read).
    c.buffered.resize_and_overwrite(old_size + room, [&](char* data, std::size_t) {
      r = read_some(c, data + old_size, room);
      return old_size + r.bytes;
    });
    if (r.state == io_state::want_read || r.state == io_state::want_write) return true;
    if (r.state != io_state::done) return false;
    // A short read emptied the socket's queue: asking again would only say so. (Not for TLS,
    // whose reads end at record boundaries.) What arrives later wakes the level-triggered epoll
    // or the worker's poll.
    if (c.ssl == nullptr && r.bytes < room) return true;
  }
  return true;
}

bool has_whole_head(connection& c) {
  auto end = head_end(c.buffered, c.head_scanned);
  return end != 0 && end <= max_head_bytes;
}

io_result write_some(connection& c, const char* from, std::size_t size) {
  if (c.ssl == nullptr) {
    for (;;) {
      auto n = ::send(c.fd, from, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      return socket_result(n, false);
    }
  }
  ERR_clear_error();
  std::size_t sent = 0;
  int rc = SSL_write_ex(c.ssl, from, size, &sent);
  return tls_result(c.ssl, rc, sent);
}

connection_stream::connection_stream(connection& c, std::chrono::milliseconds timeout)
    : c_(c), timeout_(timeout), read_deadline_(connection::clock::now() + timeout) {}

connection_stream::~connection_stream() {
  c_.buffered.erase(0, consumed_);
  c_.head_scanned = 0;
}

bool connection_stream::wait_for(io_state state, connection::clock::time_point deadline) const {
  short events = state == io_state::want_write ? POLLOUT : POLLIN;
  for (;;) {
    pollfd p{.fd = c_.fd, .events = events, .revents = 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready > 0) return true;  // ready, or an error the next call reports
    if (ready == 0 || errno != EINTR) return false;
  }
}

bool connection_stream::is_readable() const {
  if (consumed_ < c_.buffered.size() || (c_.ssl != nullptr && SSL_pending(c_.ssl) > 0)) return true;
  if (!const_cast<connection_stream*>(this)->flush()) return false;
  return wait_for(io_state::want_read, read_deadline_);
}

bool connection_stream::is_writable() const {
  return true;  // write() waits, bounded by its deadline
}

ssize_t connection_stream::read(char* ptr, size_t size) {
  if (consumed_ == c_.buffered.size()) {
    if (!flush()) return -1;
    consumed_ = 0;
    for (;;) {
      io_result r{};
      c_.buffered.resize_and_overwrite(read_chunk, [&](char* data, std::size_t) {
        r = read_some(c_, data, read_chunk);
        return r.bytes;
      });
      if (r.state == io_state::done) break;
      if (r.state == io_state::closed) return 0;
      if (r.state == io_state::failed || !wait_for(r.state, read_deadline_)) return -1;
    }
  }
  auto n = std::min(size, c_.buffered.size() - consumed_);
  std::memcpy(ptr, c_.buffered.data() + consumed_, n);
  consumed_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t connection_stream::write(const char* ptr, size_t size) {
  if (unsent_.size() + size <= unsent_limit) {
    unsent_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  if (!flush() || !send_all(ptr, size)) return -1;
  return static_cast<ssize_t>(size);
}

bool connection_stream::flush() {
  if (unsent_.empty()) return true;
  bool sent = send_all(unsent_.data(), unsent_.size());
  unsent_.clear();
  return sent;
}

bool connection_stream::send_all(const char* ptr, std::size_t size) {
  if (write_deadline_ == connection::clock::time_point{})
    write_deadline_ = connection::clock::now() + timeout_;
  std::size_t sent = 0;
  while (sent < size) {
    auto r = write_some(c_, ptr + sent, size - sent);
    sent += r.bytes;
    if (r.state == io_state::done) continue;
    if (r.state == io_state::failed || r.state == io_state::closed ||
        !wait_for(r.state, write_deadline_))
      return false;
  }
  return true;
}

void connection_stream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = c_.peer_ip;
  port = c_.peer_port;
}

void connection_stream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = c_.local_ip;
  port = c_.local_port;
}

}  // namespace ordo::http
