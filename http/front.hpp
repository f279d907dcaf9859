// The plain-HTTP front: one thread with an epoll loop that accepts connections, caps them per
// client address and waits for each request's whole head, within a deadline and a byte cap,
// before a worker takes it (http/server.cpp runs httplib's request handling there). After its
// answer a kept-alive connection comes back here to wait for its next head.
//
// Why: httplib 0.11 gives each connection a thread for its whole life and its read timeout
// applies per recv, so a few dozen clients sending a byte every few seconds held every thread and
// nothing was answered, /healthz included. Here a slow or idle client costs a socket and a buffer
// of at most max_head_bytes, never a thread, and is cut when its head is late.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/connection.hpp"
#include "http/tls.hpp"

namespace ordo::http {

struct front_options {
  // A connection must deliver a whole request head within this of opening or of its last answer.
  std::chrono::milliseconds head_timeout{5000};
  // Open connections per client address; past it a new one is answered 429 and closed.
  std::size_t max_connections_per_client = 256;
  // HTTPS: every connection's TLS handshake is part of the wait for its first head.
  std::shared_ptr<tls_context> tls;
};

class front {
 public:
  // Takes a connection whose buffered bytes begin with a whole request head; it must come back
  // through give_back(), from any thread.
  using dispatcher = std::function<void(std::unique_ptr<connection>)>;
  // Learns of each answer the front gives itself (its status).
  using answer_observer = std::function<void(int status)>;

  // `listener`: a bound, listening socket; the front makes it non-blocking but does not own it.
  front(int listener, front_options options, dispatcher dispatch, answer_observer observe);
  ~front();
  front(const front&) = delete;
  front& operator=(const front&) = delete;

  // Runs the loop until stop(); closes every connection it holds on the way out.
  void run();
  // Safe from any thread; run() returns soon after.
  void stop();
  // A worker is done with `c`: wait for its next request if `keep_alive`, else close it.
  void give_back(std::unique_ptr<connection> c, bool keep_alive);
  // Closes what workers gave back after run() returned (call once the workers are done).
  void close_returned();

 private:
  using clock = connection::clock;
  enum class phase {
    handshake,  // HTTPS: the TLS handshake is under way
    head,       // waiting for a whole request head
    draining,   // answered by the front; read (and dropped) until the client closes
  };
  struct waiting {
    std::unique_ptr<connection> conn;
    phase state = phase::head;
    bool counted = false;  // counts toward its address's connections
    std::optional<std::multimap<clock::time_point, std::uint64_t>::iterator> deadline;
  };

  void accept_all();
  void on_ready(std::uint64_t id);
  void continue_handshake(std::uint64_t id);
  void read_head(std::uint64_t id);
  void drain(std::uint64_t id);
  // Waits for the socket to be readable, or writable (a TLS handshake may need to write).
  void watch(std::uint64_t id, io_state wanted);
  void take_returned();
  void expire(clock::time_point now);
  int next_timeout_ms(clock::time_point now) const;

  std::uint64_t add(std::unique_ptr<connection> c, phase state, bool counted);
  // Starts waiting for a head on `c` (or dispatches at once if one is buffered already).
  void wait_for_head(std::unique_ptr<connection> c, bool counted);
  // Hands `id` to a worker if its head is whole, or refuses a head over the cap: true if either.
  bool dispatch_if_complete(std::uint64_t id);
  // Sends the front's own answer, stops writing, and reads until the client closes (or a short
  // while), so that the answer is not lost to a reset.
  void answer_and_drain(std::uint64_t id, const std::string& bytes, int status);
  void set_deadline(std::uint64_t id, clock::time_point at);
  // Takes `id` out of epoll, the deadlines and the waiting list; the socket stays open.
  std::unique_ptr<connection> take(std::uint64_t id);
  void close_connection(std::uint64_t id);
  void close_connection(std::unique_ptr<connection> c, bool counted);

  int listener_;
  front_options options_;
  dispatcher dispatch_;
  answer_observer observe_;
  int epoll_ = -1;
  int wake_ = -1;  // eventfd: stop() and give_back()
  std::atomic<bool> stopping_{false};
  bool accepting_ = true;
  clock::time_point accept_again_at_{};  // after running out of file descriptors

  std::uint64_t next_id_ = 2;  // 0: listener, 1: wake
  std::unordered_map<std::uint64_t, waiting> waiting_;
  std::multimap<clock::time_point, std::uint64_t> deadlines_;
  std::unordered_map<std::string, std::size_t> per_client_;

  std::mutex returned_mutex_;
  std::vector<std::pair<std::unique_ptr<connection>, bool>> returned_;
};

}  // namespace ordo::http
