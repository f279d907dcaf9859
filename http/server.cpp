#include "http/server.hpp"

#include <httplib.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "http/connection.hpp"
#include "http/framing.hpp"
#include "http/front.hpp"
#include "http/reply.hpp"
#include "http/request_id.hpp"
#include "http/tls.hpp"

namespace ordo::http {

struct server::admission {
  std::atomic<std::size_t> waiting{0};    // accepted connections no thread has taken yet
  std::atomic<std::size_t> handling{0};   // requests inside the handler
  std::atomic<std::size_t> lingering{0};  // workers waiting for a connection's next request
};

// httplib's parsing, routing and answer writing for one request on a stream the front prepared.
class request_runner final : public httplib::Server {
 public:
  // False if the connection must close (unreadable request, failed write, or an answer that
  // ends the connection); `closed`: the request asked to close it.
  bool answer_one(httplib::Stream& stream, bool last, bool& closed) {
    return process_request(stream, last, closed, nullptr);
  }
  // httplib writes a content provider's body only while its own listening socket is valid; the
  // front's listener stands in for it (httplib never listens, so it never closes it).
  void serving_on(int listener) { svr_sock_ = listener; }
};

namespace {

// Requests one connection may send before the node closes it.
constexpr std::size_t max_requests_per_connection = 1000;

// How long a worker waits for a kept-alive connection's next request before it hands the
// connection back to the front. A client that sends its next request at once (most do) is then
// served by one thread, as httplib's thread per connection would: no wake-up of the front, no
// hand-off to another worker, no epoll registration. Waiting holds a thread, so it stays short
// and happens only while free workers remain (lingering_reserve) and none is queued.
constexpr int linger_ms = 2;
// Workers kept free of lingering for connections whose requests arrive meanwhile.
constexpr std::size_t lingering_reserve = 4;

// "200 while the process lives" (API.md): the liveness probe is never shed for load and takes no
// in-flight slot, so that an orchestrator does not restart a node for being busy.
bool is_liveness_probe(const httplib::Request& req) {
  return req.path == "/healthz" && (req.method == "GET" || req.method == "HEAD");
}

// A burst of new connections (64 clients starting at once) must find room in the accept queue,
// or they retry their SYN a second or more later.
constexpr int listen_backlog = 1024;

// httplib's thread pool, counting the connections that wait in its queue: under a burst they
// are the requests in flight that no thread serves yet, and the reason to answer 429.
class counting_pool : public httplib::TaskQueue {
 public:
  counting_pool(std::size_t threads, std::shared_ptr<server::admission> admitted)
      : pool_(threads), admitted_(std::move(admitted)) {}
  ~counting_pool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    admitted_->waiting.fetch_add(1, std::memory_order_relaxed);
    pool_.enqueue([fn = std::move(fn), admitted = admitted_] {
      admitted->waiting.fetch_sub(1, std::memory_order_relaxed);
      fn();
    });
  }
  // Runs the jobs already queued, then joins. Once: httplib's ThreadPool cannot join twice.
  void shutdown() override {
    if (!shut_down_) pool_.shutdown();
    shut_down_ = true;
  }

 private:
  httplib::ThreadPool pool_;
  bool shut_down_ = false;
  std::shared_ptr<server::admission> admitted_;
};

// The problem for an error httplib answers on its own (bad request line, URI too long, a body
// it could not read). httplib may have left part of the request unread: the answer ends the
// connection.
reply problem_for_status(int status) {
  reply r;
  switch (status) {
    case 404:
      r = problem("not_found", "no such route");
      break;
    case 413:
      r = problem("payload_too_large", "the request body is too large");
      break;
    default:
      r = problem("validation_failed", "the HTTP request could not be read");
      if (status != 400) {
        r.status = status;
        auto body = nlohmann::json::parse(r.body);
        body["status"] = status;
        r.body = body.dump();
      }
  }
  r.with_header("Connection", "close");
  return r;
}

// httplib 0.11 goes on reading a connection whatever an answer's `Connection: close` says, so a
// body left unread would be read as the next request. It does end the connection when a content
// provider fails: this one writes the whole body, then reports failure.
void set_content_then_close(httplib::Response& res, std::string body,
                            const std::string& content_type) {
  auto content = std::make_shared<const std::string>(std::move(body));
  res.set_content_provider(
      content->size(), content_type,
      [content](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        sink.write(content->data() + offset, length);
        return false;
      });
}

// HTTP/1.1: a request with neither Content-Length nor Transfer-Encoding has no body. httplib
// 0.11 refuses such a POST (e.g. `curl -X POST .../ship`) with 400, so it is answered before
// httplib tries to read a body.
bool has_no_body(const httplib::Request& req) {
  return !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding");
}

}  // namespace

server::server(server_options options, handler handle, answer_observer on_own_answer)
    : options_(std::move(options)),
      handle_(std::move(handle)),
      on_own_answer_(std::move(on_own_answer)),
      admitted_(std::make_shared<admission>()) {
  auto runner = std::make_unique<request_runner>();
  runner_ = runner.get();
  http_ = std::move(runner);
  configure();
}

server::~server() {
  stop();
  front_.reset();
  workers_.reset();
  if (listening_socket_ >= 0) ::close(listening_socket_);
}

void server::answer_itself(const httplib::Request& req, httplib::Response& res, const reply& r) {
  res.status = r.status;
  res.set_header("X-Request-Id", request_id_of(req));
  for (const auto& [name, value] : r.headers) res.set_header(name.c_str(), value);
  const auto* connection = r.header("Connection");
  if (connection != nullptr && *connection == "close" && !r.body.empty()) {
    set_content_then_close(res, r.body, r.content_type);
  } else {
    res.set_content(r.body, r.content_type.c_str());
  }
  if (on_own_answer_) on_own_answer_(req, r.status);
}

void server::configure() {
  auto& s = *http_;
  // The front accepts and reads; httplib's settings that remain are what its answers announce
  // (Keep-Alive: timeout, max) and its body limit.
  s.set_keep_alive_max_count(max_requests_per_connection);
  s.set_keep_alive_timeout(std::max<std::int64_t>(1, options_.read_timeout_ms / 1000));
  s.set_payload_max_length(options_.max_body_bytes);

  auto max_body = options_.max_body_bytes;
  s.set_expect_100_continue_handler(
      [this, max_body](const httplib::Request& req, httplib::Response& res) {
        auto refused = framing_problem(req, max_body);
        if (!refused) return 100;
        answer_itself(req, res, *refused);
        return refused->status;
      });
  auto counted = [this](const httplib::Request& req, httplib::Response& res) {
    if (is_liveness_probe(req)) return handle_(req, res);
    admitted_->handling.fetch_add(1, std::memory_order_relaxed);
    struct leave {
      admission& a;
      ~leave() { a.handling.fetch_sub(1, std::memory_order_relaxed); }
    } on_exit{*admitted_};
    handle_(req, res);
  };
  s.set_pre_routing_handler([this, max_body, counted](const httplib::Request& req,
                                                      httplib::Response& res) {
    if (auto refused = framing_problem(req, max_body)) {
      answer_itself(req, res, *refused);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (in_flight() >= options_.max_in_flight && !is_liveness_probe(req)) {
      answer_itself(req, res,
                    problem("overloaded", "the node has " + std::to_string(options_.max_in_flight) +
                                              " requests in flight; retry later"));
      return httplib::Server::HandlerResponse::Handled;
    }
    // A request without a body is answered here rather than after httplib's routing, which
    // matches the path against each registered pattern with std::regex. (HEAD goes on: httplib
    // drops the body of its answer.)
    if (has_no_body(req) && req.method != "HEAD") {
      counted(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // httplib calls this for every answer of 400 or more. An answer with a Content-Type is one of
  // ours already ("Handled" then only lets httplib set its Content-Length).
  s.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (res.body.empty() && !res.has_header("Content-Type"))
          answer_itself(req, res, problem_for_status(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));
  s.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
        answer_itself(req, res, problem("internal_error", "the request failed unexpectedly"));
      });

  // Bodies are read here rather than by httplib, which reads a chunked body past its length
  // limit: every body stops at max_body_bytes.
  auto with_body = [this, max_body, counted](const httplib::Request& req, httplib::Response& res,
                                             const httplib::ContentReader& read) {
    std::string body;
    std::size_t length_read = 0;
    bool over_limit = false;
    auto keep = [&](const char* data, std::size_t length, bool keep_bytes) {
      length_read += length;
      over_limit = length_read > max_body;
      if (!over_limit && keep_bytes) body.append(data, length);
      return !over_limit;
    };
    // httplib parses a multipart/form-data body itself and only hands out its parts. Such a body
    // is read to keep the connection in step, but not kept: the API refuses it as not JSON (415).
    bool complete =
        req.is_multipart_form_data()
            ? read([](const httplib::MultipartFormData&) { return true; },
                   [&](const char* data, std::size_t length) { return keep(data, length, false); })
            : read([&](const char* data, std::size_t length) { return keep(data, length, true); });
    if (over_limit) return answer_itself(req, res, too_large(max_body));
    if (!complete) return answer_itself(req, res, problem_for_status(400));  // cut short or stalled
    // The body goes into the request itself rather than into a copy of it (its headers are a
    // multimap of strings): httplib hands its own, non-const request to the handler as const.
    auto& with_content = const_cast<httplib::Request&>(req);
    with_content.body = std::move(body);
    counted(with_content, res);
  };
  // Every path and method goes to the one handler, which knows the routes (404 and 405).
  s.Get(".*", counted);
  s.Options(".*", counted);
  s.Post(".*", with_body);
  s.Put(".*", with_body);
  s.Patch(".*", with_body);
  s.Delete(".*", with_body);
  // httplib uses these when a request has no body to read.
  s.Post(".*", counted);
  s.Put(".*", counted);
  s.Patch(".*", counted);
  s.Delete(".*", counted);
}

std::expected<std::uint16_t, std::string> server::bind() {
  std::shared_ptr<tls_context> tls_sessions;
  if (tls()) {
    auto loaded = tls_context::load(options_.tls_cert, options_.tls_key);
    if (!loaded) return std::unexpected(loaded.error());
    tls_sessions = std::move(*loaded);
  }
  // A TLS session writes with write(2), which raises SIGPIPE on a connection the client reset;
  // ignored, the write reports EPIPE and the connection closes.
  std::signal(SIGPIPE, SIG_IGN);
  auto where =
      options_.port == 0 ? options_.host : options_.host + ":" + std::to_string(options_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  auto port_text = std::to_string(options_.port);
  if (int rc = ::getaddrinfo(options_.host.c_str(), port_text.c_str(), &hints, &found); rc != 0)
    return std::unexpected("cannot listen on " + where + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  int error = 0;
  for (auto* a = found; a != nullptr; a = a->ai_next) {
    int sock = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (sock < 0) {
      error = errno;
      continue;
    }
    httplib::default_socket_options(sock);  // as httplib would: SO_REUSEADDR
    if (::bind(sock, a->ai_addr, a->ai_addrlen) == 0 && ::listen(sock, listen_backlog) == 0) {
      listening_socket_ = sock;
      break;
    }
    error = errno;
    ::close(sock);
  }
  if (listening_socket_ < 0)
    return std::unexpected("cannot listen on " + where + ": " + std::strerror(error));
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(listening_socket_, reinterpret_cast<sockaddr*>(&bound), &length);
  auto port = bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                          : reinterpret_cast<sockaddr_in&>(bound).sin_port;

  runner_->serving_on(listening_socket_);
  workers_ = std::make_unique<counting_pool>(options_.threads, admitted_);
  front_ = std::make_unique<front>(
      listening_socket_,
      front_options{.head_timeout = std::chrono::milliseconds(options_.read_timeout_ms),
                    .max_connections_per_client = options_.max_connections_per_client,
                    .tls = std::move(tls_sessions)},
      [this](std::unique_ptr<connection> c) {
        // The pool takes copyable jobs: the job owns the connection until it gives it back.
        workers_->enqueue([this, c = c.release()] { answer_on(std::unique_ptr<connection>(c)); });
      },
      [this](int status) {
        if (on_own_answer_) on_own_answer_(httplib::Request{}, status);
      });
  return ntohs(port);
}

void server::answer_on(std::unique_ptr<connection> c) {
  for (;;) {
    bool keep_alive = false;
    {
      connection_stream stream(*c, std::chrono::milliseconds(options_.read_timeout_ms));
      bool last = ++c->requests >= max_requests_per_connection || stopping_;
      bool closed = false;
      bool answered = runner_->answer_one(stream, last, closed);
      keep_alive = stream.flush() && answered && !closed && !last;
    }
    auto next = keep_alive ? await_next_head(*c) : next_head::closed;
    if (next != next_head::ready) return front_->give_back(std::move(c), next == next_head::later);
  }
}

server::next_head server::await_next_head(connection& c) {
  if (has_whole_head(c)) return next_head::ready;  // sent right behind the one just answered
  bool decrypted = c.ssl != nullptr && SSL_has_pending(c.ssl);
  if (!decrypted) {
    auto& a = *admitted_;
    if (stopping_ || a.waiting.load(std::memory_order_relaxed) != 0) return next_head::later;
    auto busy = a.lingering.fetch_add(1, std::memory_order_relaxed) + 1 +
                a.handling.load(std::memory_order_relaxed);
    struct leave {
      std::atomic<std::size_t>& n;
      ~leave() { n.fetch_sub(1, std::memory_order_relaxed); }
    } on_exit{a.lingering};
    if (busy + lingering_reserve > options_.threads) return next_head::later;
    pollfd readable{.fd = c.fd, .events = POLLIN, .revents = 0};
    if (::poll(&readable, 1, linger_ms) <= 0) return next_head::later;
  }
  // A head cut short goes back to the front, which waits for the rest within its deadline.
  bool open = read_available(c);
  if (has_whole_head(c)) return next_head::ready;
  return open ? next_head::later : next_head::closed;
}

void server::serve() {
  front_->run();
  workers_->shutdown();  // answers the requests already handed over, then joins
  front_->close_returned();
}

void server::stop() {
  stopping_ = true;
  if (front_) front_->stop();
}

std::size_t server::in_flight() const {
  return admitted_->waiting.load(std::memory_order_relaxed) +
         admitted_->handling.load(std::memory_order_relaxed);
}

}  // namespace ordo::http
