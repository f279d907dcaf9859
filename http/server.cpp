#include "http/server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "http/framing.hpp"
#include "http/reply.hpp"
#include "http/request_id.hpp"

namespace ordo::http {

struct server::admission {
  std::atomic<std::size_t> waiting{0};   // accepted connections no thread has taken yet
  std::atomic<std::size_t> handling{0};  // requests inside the handler
};

namespace {

// "200 while the process lives" (API.md): the liveness probe is never shed for load and takes no
// in-flight slot, so that an orchestrator does not restart a node for being busy.
bool is_liveness_probe(const httplib::Request& req) {
  return req.path == "/healthz" && (req.method == "GET" || req.method == "HEAD");
}

// httplib 0.11 listens with a backlog of 5: a burst of new connections (64 clients starting at
// once) would find the accept queue full and retry their SYN a second or more later.
constexpr int listen_backlog = 1024;

// httplib's thread pool, counting the connections that wait in its queue: under a burst they
// are the requests in flight that no thread serves yet, and the reason to answer 429.
class counting_pool : public httplib::TaskQueue {
 public:
  counting_pool(std::size_t threads, std::shared_ptr<server::admission> admitted)
      : pool_(threads), admitted_(std::move(admitted)) {}

  void enqueue(std::function<void()> fn) override {
    admitted_->waiting.fetch_add(1, std::memory_order_relaxed);
    pool_.enqueue([fn = std::move(fn), admitted = admitted_] {
      admitted->waiting.fetch_sub(1, std::memory_order_relaxed);
      fn();
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
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
  if (tls()) {
    http_ =
        std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  configure();
}

server::~server() {
  stop();
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
  s.set_tcp_nodelay(true);
  s.set_socket_options([this](int sock) {
    httplib::default_socket_options(sock);
    listening_socket_ = sock;
  });
  auto threads = options_.threads;
  auto admitted = admitted_;
  // httplib owns the queue it gets from this factory and deletes it.
  s.new_task_queue = [threads, admitted] { return new counting_pool(threads, admitted); };
  s.set_keep_alive_max_count(1000);
  auto read_timeout = std::chrono::milliseconds(options_.read_timeout_ms);
  s.set_read_timeout(read_timeout);
  s.set_write_timeout(read_timeout);
  // An idle keep-alive connection holds a thread, and a graceful stop waits for it: let it go
  // after two idle seconds.
  s.set_keep_alive_timeout(2);
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
    if (has_no_body(req) && req.method != "GET" && req.method != "HEAD") {
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
    auto with_content = req;
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
  if (!http_->is_valid())
    return std::unexpected("cannot serve HTTPS with http.tls.cert " + options_.tls_cert +
                           " and http.tls.key " + options_.tls_key +
                           ": unreadable or not a matching PEM pair");
  std::uint16_t port = options_.port;
  if (port == 0) {
    auto any = http_->bind_to_any_port(options_.host);
    if (any <= 0)
      return std::unexpected("cannot listen on " + options_.host + ": " + std::strerror(errno));
    port = static_cast<std::uint16_t>(any);
  } else if (!http_->bind_to_port(options_.host, port)) {
    return std::unexpected("cannot listen on " + options_.host + ":" + std::to_string(port) + ": " +
                           std::strerror(errno));
  }
  // Listening again on a listening socket only changes its backlog.
  if (::listen(listening_socket_, listen_backlog) != 0)
    return std::unexpected("cannot listen on " + options_.host + ":" + std::to_string(port) + ": " +
                           std::strerror(errno));
  return port;
}

void server::serve() {
  http_->listen_after_bind();
}

void server::stop() {
  if (http_) http_->stop();
}

std::size_t server::in_flight() const {
  return admitted_->waiting.load(std::memory_order_relaxed) +
         admitted_->handling.load(std::memory_order_relaxed);
}

}  // namespace ordo::http
