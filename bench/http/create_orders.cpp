// ordo_bench_http_create: creates the benchmark's orders bench-0 .. bench-(N-1) through the API,
// over keep-alive connections, before bench/http/run measures anything (wrk cannot stop once a
// fixed set of requests is done).
//   ordo_bench_http_create http://HOST:PORT N [CONNECTIONS]
// An order that exists already (409) counts as created; any other answer fails the run (exit 1).
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s http://HOST:PORT ORDERS [CONNECTIONS]\n", argv[0]);
    return 2;
  }
  const std::string url = argv[1];
  const int orders = std::atoi(argv[2]);
  const int connections = argc > 3 ? std::atoi(argv[3]) : 16;
  std::atomic<int> failed{0};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client(url);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);  // headers and body go out in two writes
      client.set_read_timeout(30, 0);
      for (int id = c; id < orders; id += connections) {
        auto body = "{\"customer_id\":\"c-" + std::to_string(id % 100) +
                    "\",\"order_id\":\"bench-" + std::to_string(id) + "\"}";
        auto answer = client.Post("/v1/orders", body, "application/json");
        if (!answer || (answer->status != 201 && answer->status != 409)) {
          if (failed++ == 0)
            std::fprintf(stderr, "creating bench-%d: %s\n", id,
                         answer ? (std::to_string(answer->status) + " " + answer->body).c_str()
                                : httplib::to_string(answer.error()).c_str());
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (failed > 0) {
    std::fprintf(stderr, "%d of %d orders could not be created\n", failed.load(), orders);
    return 1;
  }
  std::printf("created %d orders in %.1f s (%.0f/s)\n", orders, seconds, orders / seconds);
  return 0;
}
