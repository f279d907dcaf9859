// Members with cluster.tls: mutual TLS through caf_openssl, each peer's certificate checked against
// the cluster's CA. A member whose certificate another CA signed gets nothing; a partial TLS
// setting or an unreadable file refuses the start instead of running anonymous TLS or hanging.
#include <gtest/gtest.h>

#include <cstdlib>

#include "in_process_cluster.hpp"

namespace ordo::cluster {
namespace {

using actors::outcome;
using namespace in_process;

// A CA with certificates for n1 and n2, and a second CA with its own certificate for n2.
class ClusterTls : public two_members {
 protected:
  static void SetUpTestSuite() {
    pki_ = new std::filesystem::path(fresh_temp_dir("pki"));
    std::filesystem::create_directories(*pki_);
    auto run = [](const std::string& command) {
      auto line = "cd " + pki_->string() + " && " + command + " >/dev/null 2>&1";
      ASSERT_EQ(std::system(line.c_str()), 0) << line;
    };
    for (std::string ca : {"ca", "rogue-ca"})
      run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + ca + ".key -out " + ca +
          ".pem -days 2 -subj /CN=" + ca);
    for (auto [name, ca] :
         {std::pair{"n1", "ca"}, std::pair{"n2", "ca"}, std::pair{"n2-rogue", "rogue-ca"}}) {
      std::string n = name;
      std::string c = ca;
      run("openssl req -newkey rsa:2048 -nodes -keyout " + n + ".key -out " + n +
          ".csr -subj /CN=" + n);
      run("openssl x509 -req -in " + n + ".csr -CA " + c + ".pem -CAkey " + c +
          ".key -CAcreateserial -out " + n + ".pem -days 2");
    }
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*pki_);
    delete pki_;
  }

  static config::cluster_tls_settings tls(const std::string& cert, const std::string& ca = "ca") {
    return {(*pki_ / (cert + ".pem")).string(), (*pki_ / (cert + ".key")).string(),
            (*pki_ / (ca + ".pem")).string()};
  }
  // CAF-NOTES: under TLS a handshake is slower; heartbeats of 500 ms or more.
  static member_options with_tls(config::cluster_tls_settings t) {
    member_options o;
    o.tls = std::move(t);
    o.heartbeat_ms = 500;
    o.connection_timeout_ms = 2000;
    return o;
  }

  static inline std::filesystem::path* pki_ = nullptr;
};

TEST_F(ClusterTls, MembersOfOneCaForwardOverMutualTls) {
  n1_ = std::make_unique<test_member>("n1", members_, dirs_[0], with_tls(tls("n1")));
  n2_ = std::make_unique<test_member>("n2", members_, dirs_[1], with_tls(tls("n2")));
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n2", peer_state::up); }));
  ASSERT_TRUE(eventually([&] { return n2_->peer_is("n1", peer_state::up); }));
  auto since = n1_->peer("n2").since_ms;
  for (int i = 0; i < 20; ++i) {
    auto id = id_owned_by("n2", members_, "order", "tls-" + std::to_string(i) + "-");
    auto reply = n1_->run("order", id, "create", R"({"customer_id":"c1"})");
    ASSERT_TRUE(reply.ok()) << reply.message;
    EXPECT_GE(n2_->journal_version("order", id), 1u);
  }
  // One connection per pair: two (one from each side) made CAF drop the link again and again.
  EXPECT_TRUE(n1_->peer_is("n2", peer_state::up));
  EXPECT_EQ(n1_->peer("n2").since_ms, since) << "the link went down and up again";
}

TEST_F(ClusterTls, MemberSignedByAnotherCaGetsNothing) {
  n1_ = std::make_unique<test_member>("n1", members_, dirs_[0], with_tls(tls("n1")));
  n2_ = std::make_unique<test_member>("n2", members_, dirs_[1],
                                      with_tls(tls("n2-rogue", "rogue-ca")));
  ASSERT_TRUE(eventually([&] { return n1_->peer("n2").connect_failures >= 2; }));
  EXPECT_FALSE(n1_->peer_is("n2", peer_state::up));
  auto id = id_owned_by("n2", members_, "order");
  EXPECT_EQ(n1_->run("order", id, "create").code, outcome::unavailable);
  EXPECT_EQ(n2_->journal_version("order", id), 0u);
  // n2 waits for n1 to connect (the smaller id does): it gives up waiting for the first round.
  EXPECT_TRUE(eventually([&] { return n2_->member().first_round_done(); }));
  EXPECT_FALSE(n2_->peer_is("n1", peer_state::up));
}

TEST_F(ClusterTls, PartialOrUnreadableTlsRefusesTheStart) {
  auto cluster = cluster_of(members_, "n1");
  cluster.tls = tls("n1");
  cluster.tls.ca.clear();
  caf::actor_system_config partial;
  EXPECT_THROW(configure_middleman(partial, cluster, 1), std::invalid_argument);
  cluster.tls = tls("n1");
  cluster.tls.key = (*pki_ / "missing.key").string();
  caf::actor_system_config unreadable;
  try {
    configure_middleman(unreadable, cluster, 1);
    ADD_FAILURE() << "an unreadable key was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cluster.tls.key"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ordo::cluster
