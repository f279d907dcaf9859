// ordo_bench_http_baseline: the HTTP benchmark's baseline. A bare httplib server with the transport
// settings of ordo's own (http/server.cpp: TCP_NODELAY, a pool of 64 threads, keep-alive up to
// 1000 requests and 2 idle seconds, 5 s read and write timeouts, a listen backlog of 1024) whose
// every handler answers a fixed JSON body the size of an order's. What ordo adds on top of it is
// what the benchmark shows.
//   ordo_bench_http_baseline [--port N]    prints "serving http://127.0.0.1:PORT" once listening;
//                                          runs until killed
#include <httplib.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

// An order of two lines, as GET /v1/orders/{id} shows it.
const std::string order_json =
    R"({"order_id":"bench-1","customer_id":"c-1","status":"draft","items":[)"
    R"({"sku":"sku-1","quantity":3,"unit_price_cents":100},)"
    R"({"sku":"sku-2","quantity":1,"unit_price_cents":100}],"total_cents":400,"version":3,)"
    R"("created_at":"2026-11-23T10:42:00.000Z","updated_at":"2026-11-23T10:42:01.000Z"})";

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--port N]\n", argv[0]);
      return 2;
    }
  }
  httplib::Server server;
  int listening = -1;
  server.set_socket_options([&listening](int sock) {
    httplib::default_socket_options(sock);
    listening = sock;
  });
  server.set_tcp_nodelay(true);
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  server.set_keep_alive_max_count(1000);
  server.set_keep_alive_timeout(2);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  auto answer = [](const httplib::Request&, httplib::Response& res) {
    res.set_content(order_json, "application/json");
  };
  server.Get(".*", answer);
  server.Post(".*", answer);

  int bound = port == 0 ? server.bind_to_any_port("127.0.0.1") : port;
  if (port != 0 && !server.bind_to_port("127.0.0.1", port)) bound = -1;
  // httplib's own backlog is 5: connections wrk opens again after 1000 requests would wait
  // for SYN retries.
  if (bound > 0 && ::listen(listening, 1024) != 0) bound = -1;
  if (bound <= 0) {
    std::fprintf(stderr, "ordo_bench_http_baseline: cannot listen\n");
    return 1;
  }
  std::printf("serving http://127.0.0.1:%d\n", bound);
  std::fflush(stdout);
  server.listen_after_bind();
  return 0;
}
