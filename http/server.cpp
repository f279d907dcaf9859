#include "http/server.hpp"

#include <httplib.h>

#include <cerrno>
#include <cstring>

#include "http/reply.hpp"
#include "http/request_id.hpp"

namespace ordo::http {

struct server::admission {
  std::atomic<std::size_t> waiting{0};   // accepted connections no thread has taken yet
  std::atomic<std::size_t> handling{0};  // requests inside the handler
};

namespace {

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

// The problem for an error httplib answers on its own (bad request line, chunked body too large).
reply problem_for_status(int status) {
  switch (status) {
    case 404:
      return problem("not_found", "no such route");
    case 413:
      return problem("payload_too_large", "the request body is too large");
    default:
      break;
  }
  auto r = problem("validation_failed", "the HTTP request could not be read");
  if (status != 400) {
    r.status = status;
    auto body = nlohmann::json::parse(r.body);
    body["status"] = status;
    r.body = body.dump();
  }
  return r;
}

// HTTP/1.1: a request with neither Content-Length nor Transfer-Encoding has no body. httplib
// 0.11 refuses such a POST (e.g. `curl -X POST .../ship`) with 400, so it is answered before
// httplib tries to read a body.
bool has_no_body(const httplib::Request& req) {
  return !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding");
}

bool over_body_limit(const httplib::Request& req, std::size_t max_body_bytes) {
  if (!req.has_header("Content-Length")) return false;
  auto length = req.get_header_value("Content-Length");
  return length.size() > 19 || std::strtoull(length.c_str(), nullptr, 10) >
                                   static_cast<unsigned long long>(max_body_bytes);
}

reply too_large(std::size_t max_body_bytes) {
  auto r = problem("payload_too_large",
                   "the request body is over " + std::to_string(max_body_bytes) + " bytes");
  // The body was not read: the connection cannot carry another request.
  r.with_header("Connection", "close");
  return r;
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
  res.set_content(r.body, r.content_type.c_str());
  if (on_own_answer_) on_own_answer_(req, r.status);
}

void server::configure() {
  auto& s = *http_;
  s.set_tcp_nodelay(true);
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
        if (!over_body_limit(req, max_body)) return 100;
        answer_itself(req, res, too_large(max_body));
        return 413;
      });
  auto counted = [this](const httplib::Request& req, httplib::Response& res) {
    admitted_->handling.fetch_add(1, std::memory_order_relaxed);
    struct leave {
      admission& a;
      ~leave() { a.handling.fetch_sub(1, std::memory_order_relaxed); }
    } on_exit{*admitted_};
    handle_(req, res);
  };
  s.set_pre_routing_handler([this, max_body, counted](const httplib::Request& req,
                                                      httplib::Response& res) {
    if (over_body_limit(req, max_body)) {
      answer_itself(req, res, too_large(max_body));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (in_flight() >= options_.max_in_flight) {
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
  s.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
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
    bool over_limit = false;
    bool complete = read([&](const char* data, std::size_t length) {
      over_limit = body.size() + length > max_body;
      if (!over_limit) body.append(data, length);
      return !over_limit;
    });
    if (over_limit) return answer_itself(req, res, too_large(max_body));
    if (!complete) return answer_itself(req, res, problem_for_status(400));
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
  if (options_.port == 0) {
    auto port = http_->bind_to_any_port(options_.host);
    if (port <= 0)
      return std::unexpected("cannot listen on " + options_.host + ": " + std::strerror(errno));
    return static_cast<std::uint16_t>(port);
  }
  if (!http_->bind_to_port(options_.host, options_.port))
    return std::unexpected("cannot listen on " + options_.host + ":" +
                           std::to_string(options_.port) + ": " + std::strerror(errno));
  return options_.port;
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
