// With http.tls.cert and http.tls.key set, the node serves HTTPS.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

TEST(Tls, ServesHttpsWithTheConfiguredCertificate) {
  auto dir = fresh_data_dir("tls");
  std::filesystem::create_directories(dir);
  auto cert = (dir / "cert.pem").string();
  auto key = (dir / "key.pem").string();
  auto make_cert =
      "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout " + key +
      " -out " + cert + " >/dev/null 2>&1";
  if (std::system(make_cert.c_str()) != 0) GTEST_SKIP() << "the openssl command is not available";
  {
    node_process node(dir / "data", {}, {"ORDO_HTTP_TLS_CERT=" + cert, "ORDO_HTTP_TLS_KEY=" + key});
    EXPECT_TRUE(node.tls());
    httplib::SSLClient client("127.0.0.1", node.port());
    client.enable_server_certificate_verification(false);
    auto health = client.Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(node.stop(), 0);
  }
  auto unreadable = run_ordo({"serve", "--port", "0", "--data", (dir / "data").string()},
                             {"ORDO_HTTP_TLS_CERT=" + key, "ORDO_HTTP_TLS_KEY=" + cert});
  EXPECT_EQ(unreadable.exit_code, 1);
  EXPECT_NE(unreadable.err.find("cannot serve HTTPS"), std::string::npos) << unreadable.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ordo::e2e
