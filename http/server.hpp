// The HTTP transport: httplib's request handling (HTTPS when a certificate is configured) with a
// bounded number of requests in flight, a body size limit answered before the body is read,
// deadlines on reading, and problem+json for every error httplib raises itself. Every request
// that passes those checks goes to one handler (http::api::handle).
//
// An event-loop front (http/front.hpp) accepts every connection, does the TLS handshake for
// HTTPS, caps connections per client address and hands a connection to a worker only once its
// whole request head arrived in time; the worker runs httplib's parsing, routing and answer
// writing over it (http/connection.hpp), then gives it back to wait for its next head. Slow
// clients hold no thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>

namespace httplib {
class Server;
class TaskQueue;
struct Request;
struct Response;
}  // namespace httplib

namespace ordo::http {

struct reply;
struct connection;
class front;
class request_runner;

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port
  std::size_t max_body_bytes = 65536;
  std::size_t max_in_flight = 1024;
  std::size_t threads = 64;
  std::int64_t read_timeout_ms = 5000;           // a request head, then the rest of the request
  std::size_t max_connections_per_client = 256;  // open connections per client address
  std::string tls_cert;                          // both set: HTTPS
  std::string tls_key;
};

class server {
 public:
  using handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  // `handle` answers every request that passes the transport's checks; `on_own_answer`, if set,
  // learns of each answer the transport gives itself (413, 429, unreadable requests).
  using answer_observer = std::function<void(const httplib::Request&, int status)>;
  server(server_options options, handler handle, answer_observer on_own_answer = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and listens; returns the bound port, or why not (one line).
  std::expected<std::uint16_t, std::string> bind();
  // Accepts and answers requests until stop(); returns once in-flight requests are done.
  // REQUIRES: bind() succeeded.
  void serve();
  // Stops accepting; safe from any thread (e.g. a signal-waiting thread).
  void stop();

  bool tls() const { return !options_.tls_cert.empty(); }
  // Requests being handled plus connections waiting for a thread.
  std::size_t in_flight() const;
  std::size_t max_in_flight() const { return options_.max_in_flight; }

  struct admission;  // counts connections waiting for a thread and requests being handled

 private:
  void configure();
  void answer_itself(const httplib::Request& req, httplib::Response& res, const reply& r);
  // On a worker: answers the request whose head `c` holds, and the ones that follow it soon on
  // the same connection, then gives `c` back to the front.
  void answer_on(std::unique_ptr<connection> c);
  // After an answer on a kept-alive connection: whether its next request head is here, or
  // arrives while the worker lingers for it (only while enough workers are free).
  enum class next_head { ready, later, closed };
  next_head await_next_head(connection& c);

  server_options options_;
  handler handle_;
  answer_observer on_own_answer_;
  std::shared_ptr<admission> admitted_;
  std::unique_ptr<httplib::Server> http_;
  request_runner* runner_ = nullptr;  // http_
  int listening_socket_ = -1;
  std::unique_ptr<front> front_;
  std::unique_ptr<httplib::TaskQueue> workers_;
  std::atomic<bool> stopping_{false};
};

}  // namespace ordo::http
