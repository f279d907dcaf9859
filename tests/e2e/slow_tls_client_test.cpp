// Slow clients over HTTPS (issue 12, finding 9): the TLS handshake and the request head wait in
// the node's event loop like a plain head does, so neither a client that never starts its
// handshake nor one that trickles its head holds a request-handling thread, and a head still
// incomplete after http.read_timeout_ms is closed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
    throw std::runtime_error("cannot connect to the node");
  // A node that never answers fails the test rather than hanging it.
  timeval limit{.tv_sec = 10, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  return fd;
}

// A TLS client connection, handshake done, that sends what it is told.
class tls_client {
 public:
  tls_client(SSL_CTX* ctx, int port) : fd_(connect_to(port)), ssl_(SSL_new(ctx)) {
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake with the node failed");
  }
  ~tls_client() {
    SSL_free(ssl_);
    ::close(fd_);
  }
  tls_client(const tls_client&) = delete;

  bool send(const std::string& bytes) {
    std::size_t written = 0;
    return SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written) == 1;
  }
  // True once the node ends the session or the connection within `limit`.
  bool closed_within(std::chrono::milliseconds limit) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return false;
    char buf[256];
    std::size_t got = 0;
    ERR_clear_error();
    return SSL_read_ex(ssl_, buf, sizeof buf, &got) != 1;
  }

 private:
  int fd_;
  SSL* ssl_;
};

TEST(SlowTlsClients, NeitherASilentHandshakeNorATrickledHeadHoldsAThread) {
  auto dir = fresh_data_dir("slow-tls");
  std::filesystem::create_directories(dir);
  auto cert = (dir / "cert.pem").string();
  auto key = (dir / "key.pem").string();
  auto make_cert =
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout " + key +
      " -out " + cert + " >/dev/null 2>&1";
  if (std::system(make_cert.c_str()) != 0) GTEST_SKIP() << "the openssl command is not available";
  {
    // Two threads: if slow connections held threads, eight of them would starve the probe.
    node_process node(dir / "data", {},
                      {"ORDO_HTTP_TLS_CERT=" + cert, "ORDO_HTTP_TLS_KEY=" + key,
                       "ORDO_HTTP_THREADS=2", "ORDO_HTTP_READ_TIMEOUT_MS=1500"});
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                          SSL_CTX_free);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);

    std::vector<int> silent;  // connected, never a ClientHello
    for (int i = 0; i < 4; ++i) silent.push_back(connect_to(node.port()));
    std::vector<std::unique_ptr<tls_client>> trickling;
    auto opened = clock_type::now();
    for (int i = 0; i < 8; ++i) {
      trickling.push_back(std::make_unique<tls_client>(ctx.get(), node.port()));
      ASSERT_TRUE(trickling.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    }

    httplib::SSLClient probe("127.0.0.1", node.port());
    probe.enable_server_certificate_verification(false);
    probe.set_read_timeout(5, 0);
    auto started = clock_type::now();
    auto health = probe.Get("/healthz");
    auto took = clock_type::now() - started;
    ASSERT_TRUE(health) << "no answer while slow TLS clients waited";
    EXPECT_EQ(health->status, 200);
    EXPECT_LT(took, 1s) << "the probe took "
                        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                        << " ms";

    // The trickle goes on, a byte every 100 ms; the head is still cut at the read timeout.
    bool closed = false;
    while (!closed && clock_type::now() - opened < 10s) {
      trickling.front()->send("a");
      closed = trickling.front()->closed_within(100ms);
    }
    EXPECT_TRUE(closed) << "a trickling TLS head was still open after 10 s";
    for (int fd : silent) ::close(fd);
    EXPECT_EQ(node.stop(), 0);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ordo::e2e
