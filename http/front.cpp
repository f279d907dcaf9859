#include "http/front.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "http/reply.hpp"
#include "http/request_head.hpp"
#include "http/request_id.hpp"

namespace ordo::http {

namespace {

constexpr std::uint64_t listener_tag = 0;
constexpr std::uint64_t wake_tag = 1;
// How long an answered-and-refused connection is read (and its bytes dropped) before closing.
constexpr auto drain_time = std::chrono::seconds(1);
// After accept() ran out of file descriptors: retry after this rather than spin.
constexpr auto accept_pause = std::chrono::milliseconds(100);
constexpr std::size_t max_accepts_per_wakeup = 256;
constexpr std::size_t read_chunk = 16384;

// The whole HTTP/1.1 response for an answer the front gives itself; the connection then closes.
std::string render(const reply& r) {
  std::string reason = r.status == 429 ? "Too Many Requests" : "Bad Request";
  std::string text = "HTTP/1.1 " + std::to_string(r.status) + " " + reason + "\r\n";
  text += "Content-Type: " + r.content_type + "\r\n";
  text += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  text += "Connection: close\r\n";
  text += "X-Request-Id: " + request_id_of(httplib::Request{}) + "\r\n";
  for (const auto& [name, value] : r.headers)
    if (name != "Connection") text += name + ": " + value + "\r\n";
  return text + "\r\n" + r.body;
}

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text.data(), text.size());
    port = ntohs(v6.sin6_port);
  } else {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text.data(), text.size());
    port = ntohs(v4.sin_port);
  }
  ip = text.data();
}

}  // namespace

front::front(int listener, front_options options, dispatcher dispatch, answer_observer observe)
    : listener_(listener),
      options_(options),
      dispatch_(std::move(dispatch)),
      observe_(std::move(observe)),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  ::fcntl(listener_, F_SETFL, ::fcntl(listener_, F_GETFL) | O_NONBLOCK);
  epoll_event listen_event{.events = EPOLLIN, .data = {.u64 = listener_tag}};
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &listen_event);
  epoll_event wake_event{.events = EPOLLIN, .data = {.u64 = wake_tag}};
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &wake_event);
}

front::~front() {
  close_returned();
  for (auto& [id, w] : waiting_) {
    end_session(w.conn->ssl);
    ::close(w.conn->fd);
  }
  ::close(wake_);
  ::close(epoll_);
}

void front::stop() {
  stopping_ = true;
  std::uint64_t one = 1;
  [[maybe_unused]] auto ignored = ::write(wake_, &one, sizeof one);
}

void front::give_back(std::unique_ptr<connection> c, bool keep_alive) {
  {
    std::lock_guard lock(returned_mutex_);
    returned_.emplace_back(std::move(c), keep_alive);
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto ignored = ::write(wake_, &one, sizeof one);
}

void front::run() {
  std::array<epoll_event, 256> events{};
  while (!stopping_) {
    int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                         next_timeout_ms(clock::now()));
    for (int i = 0; i < n; ++i) {
      auto tag = events[i].data.u64;
      if (tag == listener_tag) {
        accept_all();
      } else if (tag == wake_tag) {
        std::uint64_t count = 0;
        [[maybe_unused]] auto ignored = ::read(wake_, &count, sizeof count);
        take_returned();
      } else {
        on_ready(tag);
      }
    }
    expire(clock::now());
  }
  if (accepting_) ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_, nullptr);
  while (!waiting_.empty()) close_connection(waiting_.begin()->first);
}

void front::close_returned() {
  std::vector<std::pair<std::unique_ptr<connection>, bool>> returned;
  {
    std::lock_guard lock(returned_mutex_);
    returned.swap(returned_);
  }
  for (auto& [c, keep] : returned) close_connection(std::move(c), true);
}

int front::next_timeout_ms(clock::time_point now) const {
  auto next = deadlines_.empty() ? now + std::chrono::seconds(1) : deadlines_.begin()->first;
  if (!accepting_) next = std::min(next, accept_again_at_);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
  return static_cast<int>(std::clamp<std::int64_t>(ms + 1, 0, 1000));
}

void front::accept_all() {
  for (std::size_t i = 0; i < max_accepts_per_wakeup; ++i) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    int fd = ::accept4(listener_, reinterpret_cast<sockaddr*>(&peer), &length,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: stop listening for a moment instead of waking up for it again.
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_, nullptr);
        accepting_ = false;
        accept_again_at_ = clock::now() + accept_pause;
      }
      return;  // EAGAIN: all taken; others (ECONNABORTED, ...) concern that one client
    }
    int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    auto c = std::make_unique<connection>();
    c->fd = fd;
    address_of(peer, c->peer_ip, c->peer_port);
    sockaddr_storage local{};
    length = sizeof local;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
    address_of(local, c->local_ip, c->local_port);

    auto& open = per_client_[c->peer_ip];
    if (open >= options_.max_connections_per_client) {
      if (options_.tls) {
        // Answering would take a whole TLS handshake first: the connection is just closed.
        close_connection(std::move(c), false);
        continue;
      }
      auto id = add(std::move(c), phase::head, false);
      auto refused = problem("overloaded", "this client address has " +
                                               std::to_string(options_.max_connections_per_client) +
                                               " connections open; retry later");
      answer_and_drain(id, render(refused), refused.status);
      continue;
    }
    ++open;
    if (!options_.tls) {
      wait_for_head(std::move(c), true);
      continue;
    }
    c->ssl = options_.tls->new_session(fd);
    if (c->ssl == nullptr) {
      close_connection(std::move(c), true);
      continue;
    }
    auto id = add(std::move(c), phase::handshake, true);
    set_deadline(id, clock::now() + options_.head_timeout);
    continue_handshake(id);
  }
}

std::uint64_t front::add(std::unique_ptr<connection> c, phase state, bool counted) {
  auto id = next_id_++;
  int fd = c->fd;
  waiting_[id] = waiting{.conn = std::move(c), .state = state, .counted = counted};
  epoll_event event{.events = EPOLLIN, .data = {.u64 = id}};
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
  return id;
}

void front::watch(std::uint64_t id, io_state wanted) {
  epoll_event event{.events = wanted == io_state::want_write ? EPOLLOUT : EPOLLIN,
                    .data = {.u64 = id}};
  ::epoll_ctl(epoll_, EPOLL_CTL_MOD, waiting_.at(id).conn->fd, &event);
}

void front::wait_for_head(std::unique_ptr<connection> c, bool counted) {
  bool tls_pending = c->ssl != nullptr && SSL_has_pending(c->ssl);
  auto id = add(std::move(c), phase::head, counted);
  set_deadline(id, clock::now() + options_.head_timeout);
  // Bytes a TLS session decrypted already do not wake epoll up.
  if (tls_pending)
    read_head(id);
  else
    dispatch_if_complete(id);
}

void front::on_ready(std::uint64_t id) {
  auto found = waiting_.find(id);
  if (found == waiting_.end()) return;
  switch (found->second.state) {
    case phase::handshake:
      return continue_handshake(id);
    case phase::head:
      return read_head(id);
    case phase::draining:
      return drain(id);
  }
}

void front::continue_handshake(std::uint64_t id) {
  auto& w = waiting_.at(id);
  ERR_clear_error();
  int rc = SSL_do_handshake(w.conn->ssl);
  if (rc == 1) {
    w.state = phase::head;
    watch(id, io_state::want_read);
    if (SSL_has_pending(w.conn->ssl)) read_head(id);
    return;
  }
  switch (SSL_get_error(w.conn->ssl, rc)) {
    case SSL_ERROR_WANT_READ:
      return watch(id, io_state::want_read);
    case SSL_ERROR_WANT_WRITE:
      return watch(id, io_state::want_write);
    default:
      return close_connection(id);  // not TLS, or a handshake that failed
  }
}

void front::read_head(std::uint64_t id) {
  bool open = read_available(*waiting_.at(id).conn);
  // A whole request followed by the end of the client's sending is still answered.
  if (dispatch_if_complete(id) || open) return;
  close_connection(id);
}

void front::drain(std::uint64_t id) {
  auto& c = *waiting_.at(id).conn;
  std::array<char, read_chunk> dropped{};
  for (;;) {
    auto r = read_some(c, dropped.data(), dropped.size());
    if (r.state == io_state::want_read || r.state == io_state::want_write) return;
    if (r.state != io_state::done) return close_connection(id);
  }
}

bool front::dispatch_if_complete(std::uint64_t id) {
  auto& w = waiting_.at(id);
  auto& c = *w.conn;
  if (has_whole_head(c)) {
    dispatch_(take(id));
    return true;
  }
  if (c.buffered.size() > max_head_bytes) {
    if (w.counted) {
      if (--per_client_[c.peer_ip] == 0) per_client_.erase(c.peer_ip);
      w.counted = false;
    }
    auto refused = invalid_field(
        "headers", "the request head is over " + std::to_string(max_head_bytes) + " bytes");
    c.buffered.clear();
    c.buffered.shrink_to_fit();
    answer_and_drain(id, render(refused), refused.status);
    return true;
  }
  return false;
}

void front::answer_and_drain(std::uint64_t id, const std::string& bytes, int status) {
  auto& w = waiting_.at(id);
  // A fresh socket's send buffer takes a small answer whole; if not, the client is not reading.
  write_some(*w.conn, bytes.data(), bytes.size());
  if (w.conn->ssl != nullptr) {
    ERR_clear_error();
    SSL_shutdown(w.conn->ssl);
  }
  ::shutdown(w.conn->fd, SHUT_WR);
  w.state = phase::draining;
  watch(id, io_state::want_read);
  set_deadline(id, clock::now() + drain_time);
  if (observe_) observe_(status);
}

void front::take_returned() {
  std::vector<std::pair<std::unique_ptr<connection>, bool>> returned;
  {
    std::lock_guard lock(returned_mutex_);
    returned.swap(returned_);
  }
  for (auto& [c, keep] : returned) {
    if (keep && !stopping_)
      wait_for_head(std::move(c), true);
    else
      close_connection(std::move(c), true);
  }
}

void front::expire(clock::time_point now) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    close_connection(deadlines_.begin()->second);  // a head late, or a refused client done
  }
  if (!accepting_ && now >= accept_again_at_) {
    epoll_event event{.events = EPOLLIN, .data = {.u64 = listener_tag}};
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event);
    accepting_ = true;
  }
}

void front::set_deadline(std::uint64_t id, clock::time_point at) {
  auto& w = waiting_.at(id);
  if (w.deadline) deadlines_.erase(*w.deadline);
  w.deadline = deadlines_.emplace(at, id);
}

std::unique_ptr<connection> front::take(std::uint64_t id) {
  auto found = waiting_.find(id);
  auto& w = found->second;
  if (w.deadline) deadlines_.erase(*w.deadline);
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, w.conn->fd, nullptr);
  auto conn = std::move(w.conn);
  waiting_.erase(found);
  return conn;
}

void front::close_connection(std::uint64_t id) {
  bool counted = waiting_.at(id).counted;
  close_connection(take(id), counted);
}

void front::close_connection(std::unique_ptr<connection> c, bool counted) {
  if (counted) {
    auto found = per_client_.find(c->peer_ip);
    if (found != per_client_.end() && --found->second == 0) per_client_.erase(found);
  }
  end_session(c->ssl);
  ::close(c->fd);
}

}  // namespace ordo::http
