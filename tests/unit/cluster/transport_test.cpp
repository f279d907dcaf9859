// Two members in one process, over loopback: what a node does not own it forwards to the owner,
// which applies it in its own journal; every forwarded request is answered exactly once, by the
// owner or by ordo itself when the owner is full, silent, gone or incompatible.
#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>

#include "in_process_cluster.hpp"

namespace ordo::cluster {
namespace {

using actors::command_reply;
using actors::outcome;
using namespace std::chrono_literals;
using namespace in_process;

class ClusterTransport : public two_members {
 protected:
  void start_n1(member_options o = {}) {
    n1_ = std::make_unique<test_member>("n1", members_, dirs_[0], o);
  }
  void start_n2(member_options o = {}) {
    n2_ = std::make_unique<test_member>("n2", members_, dirs_[1], o);
  }
  void both_up() {
    ASSERT_TRUE(eventually([&] { return n1_->peer_is("n2", peer_state::up); }));
    ASSERT_TRUE(eventually([&] { return n2_->peer_is("n1", peer_state::up); }));
  }
  // A fake n2 that holds what it gets, with the same settings as n1's.
  std::unique_ptr<holding_peer> holding_n2(std::string fingerprint = "fp-test") {
    return std::make_unique<holding_peer>(members_[1], cluster_of(members_, "n2"), fingerprint);
  }
  std::string n2_order() { return id_owned_by("n2", members_, "order"); }
};

TEST_F(ClusterTransport, CommandForAShardOfTheOtherNodeIsAppliedThere) {
  start_n1();
  start_n2();
  both_up();
  auto id = n2_order();
  auto reply = n1_->run("order", id, "create", R"({"customer_id":"c1"})");
  ASSERT_TRUE(reply.ok()) << reply.message;
  EXPECT_GE(reply.version, 1u);
  EXPECT_GE(n2_->journal_version("order", id), 1u) << "the owner's journal has the stream";
  EXPECT_EQ(n1_->journal_version("order", id), 0u) << "the forwarding node's does not";

  // And the other way round.
  auto mine = id_owned_by("n1", members_, "order");
  ASSERT_TRUE(n2_->run("order", mine, "create", R"({"customer_id":"c2"})").ok());
  EXPECT_GE(n1_->journal_version("order", mine), 1u);
  EXPECT_EQ(n2_->journal_version("order", mine), 0u);

  auto peer = n1_->peer("n2");
  EXPECT_EQ(peer.forwarded[static_cast<std::size_t>(outcome::ok)], 1u);
  EXPECT_EQ(peer.in_flight, 0u);
}

TEST_F(ClusterTransport, ReadsAndInspectionOfTheOtherNodesAggregatesGoThere) {
  start_n1();
  start_n2();
  both_up();
  auto id = n2_order();
  ASSERT_TRUE(n1_->run("order", id, "create", R"({"customer_id":"c1"})").ok());
  auto& gate = n1_->runtime().gateway();

  auto state = gate.query("order", id);
  ASSERT_TRUE(state.ok()) << state.message;
  EXPECT_NE(state.state.find("c1"), std::string::npos) << state.state;
  EXPECT_EQ(gate.query("order", n2_order() + "x").code, outcome::not_found);
  auto info = gate.inspect("order", id);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->version, 1u);
  EXPECT_TRUE(gate.snapshot("order", id).ok());
  EXPECT_TRUE(gate.passivate("order", id));
}

// A saga sends its commands as CAF requests to shard_for(...): through the stand-in to the owner.
TEST_F(ClusterTransport, SagaStyleRequestIsRelayedToTheOwner) {
  start_n1();
  start_n2();
  both_up();
  auto id = n2_order();
  auto& context = n1_->runtime().context();
  caf::scoped_actor self{n1_->runtime().system()};
  command_reply reply;
  self->request(actors::shard_for(context, "order", id), 10s,
                test_member::envelope("order", id, "create", R"({"customer_id":"c1"})"))
      .receive([&](command_reply& r) { reply = std::move(r); },
               [&](caf::error& e) { FAIL() << n1_->runtime().system().render(e); });
  EXPECT_TRUE(reply.ok()) << reply.message;
  EXPECT_GE(n2_->journal_version("order", id), 1u);
}

// The real saga: the order's node starts it, and its steps reach stock on both nodes.
TEST_F(ClusterTransport, SagaWhoseSkusLiveOnBothNodesConfirmsTheOrder) {
  start_n1({.run_sagas = true});
  start_n2({.run_sagas = true});
  both_up();
  auto sku1 = id_owned_by("n1", members_, "stock", "sku-");
  auto sku2 = id_owned_by("n2", members_, "stock", "sku-");
  for (auto& sku : {sku1, sku2})
    ASSERT_TRUE(n1_->run("stock", sku, "restock", R"({"quantity":5})").ok());
  auto order = n2_order();
  auto items = R"([{"sku":")" + sku1 + R"(","quantity":1,"unit_price_cents":100},{"sku":")" + sku2 +
               R"(","quantity":1,"unit_price_cents":100}])";
  ASSERT_TRUE(
      n1_->run("order", order, "create", R"({"customer_id":"c1","items":)" + items + "}").ok());
  ASSERT_TRUE(n1_->run("order", order, "place", R"({"payment_token":"tok_ok"})").ok());
  auto status = [&] {
    auto reply = n1_->runtime().gateway().query("order", order);
    return reply.ok() ? nlohmann::json::parse(reply.state)["status"].get<std::string>() : "";
  };
  ASSERT_TRUE(eventually([&] { return status() == "confirmed"; }, std::chrono::seconds(30)))
      << status();
  for (auto& sku : {sku1, sku2}) {
    auto stock = nlohmann::json::parse(n2_->runtime().gateway().query("stock", sku).state);
    EXPECT_EQ(stock["reserved"], 1) << sku;
  }
  EXPECT_GE(n1_->journal_version("stock", sku1), 2u);
  EXPECT_GE(n2_->journal_version("stock", sku2), 2u);
}

TEST_F(ClusterTransport, FullForwardWindowAnswersOverloadedAndSendsNothing) {
  start_n1({.forward_window = 2});
  auto n2 = holding_n2();
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n2", peer_state::up); }));
  auto& gate = n1_->runtime().gateway();
  auto first =
      std::async(std::launch::async, [&] { return n1_->run("order", n2_order(), "create"); });
  auto second =
      std::async(std::launch::async, [&] { return n1_->run("order", n2_order(), "create"); });
  ASSERT_TRUE(eventually([&] { return n2->received() == 2; }));
  EXPECT_EQ(n1_->peer("n2").in_flight, 2u);

  auto third = n1_->run("order", n2_order(), "create");
  EXPECT_EQ(third.code, outcome::overloaded) << third.message;
  EXPECT_NE(third.message.find("nothing was sent"), std::string::npos) << third.message;
  auto read = gate.query("order", n2_order());
  EXPECT_EQ(read.code, outcome::overloaded) << read.message;
  EXPECT_EQ(n2->received(), 2);
  n2->kill();  // the two held ones are answered now
  EXPECT_EQ(first.get().code, outcome::outcome_unknown);
  EXPECT_EQ(second.get().code, outcome::outcome_unknown);
}

TEST_F(ClusterTransport, PeerThatDoesNotAnswerInTimeGivesOutcomeUnknown) {
  start_n1({.command_timeout_ms = 300});
  auto n2 = holding_n2();
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n2", peer_state::up); }));
  auto id = n2_order();
  // A saga's request waits longer than the forward: the stand-in's own timeout answers it.
  caf::scoped_actor self{n1_->runtime().system()};
  command_reply reply;
  self->request(actors::shard_for(n1_->runtime().context(), "order", id), 10s,
                test_member::envelope("order", id, "create"))
      .receive([&](command_reply& r) { reply = std::move(r); },
               [&](caf::error& e) { FAIL() << n1_->runtime().system().render(e); });
  EXPECT_EQ(reply.code, outcome::outcome_unknown) << reply.message;
  EXPECT_NE(reply.message.find("n2 did not answer within 300 ms"), std::string::npos)
      << reply.message;
  EXPECT_EQ(n1_->run("order", id, "create").code, outcome::outcome_unknown);
  EXPECT_TRUE(eventually([&] { return n1_->peer("n2").in_flight == 0; }));
  EXPECT_EQ(n1_->peer("n2").forwarded[static_cast<std::size_t>(outcome::outcome_unknown)], 2u);
}

TEST_F(ClusterTransport, PeerGoneAnswersPendingAtOnceAndLaterCommandsUnavailable) {
  start_n1({.command_timeout_ms = 60'000});
  auto n2 = holding_n2();
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n2", peer_state::up); }));
  auto id = n2_order();
  auto command = std::async(std::launch::async, [&] { return n1_->run("order", id, "create"); });
  auto read =
      std::async(std::launch::async, [&] { return n1_->runtime().gateway().query("order", id); });
  ASSERT_TRUE(eventually([&] { return n2->received() == 2; }));

  n2->kill();
  // Long before the 60 s timeout: answered by n1 when it saw n2 go.
  ASSERT_EQ(command.wait_for(20s), std::future_status::ready);
  auto lost = command.get();
  EXPECT_EQ(lost.code, outcome::outcome_unknown) << lost.message;
  EXPECT_NE(lost.message.find("n2 went down"), std::string::npos) << lost.message;
  ASSERT_EQ(read.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(read.get().code, outcome::unavailable);

  ASSERT_TRUE(n1_->peer_is("n2", peer_state::down));
  auto refused = n1_->run("order", id, "create");
  EXPECT_EQ(refused.code, outcome::unavailable) << refused.message;
  EXPECT_NE(refused.message.find("n2"), std::string::npos) << refused.message;
  EXPECT_NE(refused.message.find("nothing was sent"), std::string::npos) << refused.message;
  EXPECT_EQ(n1_->peer("n2").in_flight, 0u);
}

TEST_F(ClusterTransport, PeerRestartedOnTheSamePortServesAgain) {
  start_n1();
  start_n2();
  both_up();
  auto id = n2_order();
  ASSERT_TRUE(n1_->run("order", id, "create", R"({"customer_id":"c1"})").ok());

  n2_->stop();
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n2", peer_state::down); }));
  EXPECT_EQ(
      n1_->run("order", id, "add_item", R"({"sku":"s","quantity":1,"unit_price_cents":5})").code,
      outcome::unavailable);

  n2_->start();
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n2", peer_state::up); }));
  auto again =
      n1_->run("order", id, "add_item", R"({"sku":"s","quantity":1,"unit_price_cents":5})");
  EXPECT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(n2_->journal_version("order", id), 2u) << "from its own journal, after the restart";
  EXPECT_GE(n1_->peer("n2").connect_failures, 1u);
}

// n1 opens the pair's connection (the smaller id); n2 only waits for its hello. When n1 comes
// back, n2 learns its new endpoint from that hello.
TEST_F(ClusterTransport, PeerThatConnectsToThisNodeIsUsedAgainAfterItsRestart) {
  start_n1();
  start_n2();
  both_up();
  auto id = id_owned_by("n1", members_, "order");
  ASSERT_TRUE(n2_->run("order", id, "create", R"({"customer_id":"c1"})").ok());
  n1_->stop();
  ASSERT_TRUE(eventually([&] { return n2_->peer_is("n1", peer_state::down); }));
  n1_->start();
  ASSERT_TRUE(eventually([&] { return n2_->peer_is("n1", peer_state::up); }));
  auto again =
      n2_->run("order", id, "add_item", R"({"sku":"s","quantity":1,"unit_price_cents":5})");
  EXPECT_TRUE(again.ok()) << again.message;
  EXPECT_EQ(n1_->journal_version("order", id), 2u);
}

// Three members, one of them gone: only its shards are unavailable.
TEST_F(ClusterTransport, DeadMemberCostsOnlyItsShards) {
  members_.push_back({"n3", "127.0.0.1", free_port(), ""});
  dirs_.push_back(fresh_temp_dir("n3"));
  start_n1();
  start_n2();
  auto n3 = std::make_unique<test_member>("n3", members_, dirs_[2]);
  both_up();
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n3", peer_state::up); }));
  ASSERT_TRUE(eventually([&] { return n2_->peer_is("n3", peer_state::up); }));
  auto on_n3 = id_owned_by("n3", members_, "order");
  ASSERT_TRUE(n1_->run("order", on_n3, "create", R"({"customer_id":"c"})").ok());

  n3.reset();
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n3", peer_state::down); }));
  EXPECT_EQ(n1_->run("order", id_owned_by("n3", members_, "order", "later-"), "create").code,
            outcome::unavailable);
  EXPECT_EQ(n1_->runtime().gateway().query("order", on_n3).code, outcome::unavailable);
  for (int i = 0; i < 5; ++i) {
    auto on_n2 = id_owned_by("n2", members_, "order", "alive-" + std::to_string(i) + "-");
    EXPECT_TRUE(n1_->run("order", on_n2, "create", R"({"customer_id":"c"})").ok());
    auto on_n1 = id_owned_by("n1", members_, "order", "alive-" + std::to_string(i) + "-");
    EXPECT_TRUE(n2_->run("order", on_n1, "create", R"({"customer_id":"c"})").ok());
  }
}

// n3 accepts TCP connections (the kernel completes them) but never says a word, like a frozen
// process: n1's attempts on it end in their timeout, and n2 is reached all the same.
TEST_F(ClusterTransport, SilentPeerDoesNotKeepTheOthersFromConnecting) {
  members_.push_back({"n3", "127.0.0.1", free_port(), ""});
  int silent = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(members_[2].port);
  int yes = 1;
  setsockopt(silent, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(silent, 16), 0);
  start_n1();
  start_n2();
  both_up();
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n3", peer_state::down); }));
  EXPECT_TRUE(n1_->member().first_round_done());
  EXPECT_TRUE(n1_->run("order", n2_order(), "create", R"({"customer_id":"c"})").ok());
  auto refused = n1_->run("order", id_owned_by("n3", members_, "order"), "create");
  EXPECT_EQ(refused.code, outcome::unavailable) << refused.message;
  n1_.reset();  // stops while an attempt on n3 may be under way
  close(silent);
}

// A second process configured with n1's port: its start fails with the reason, and what it had
// started is stopped (the runtime goes without hanging).
TEST_F(ClusterTransport, TakenClusterPortRefusesTheStart) {
  start_n1();
  dirs_.push_back(fresh_temp_dir("again"));
  try {
    test_member again("n1", members_, dirs_.back());
    ADD_FAILURE() << "a second node started on a taken port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on cluster port"), std::string::npos)
        << e.what();
  }
  auto reply =
      n1_->run("order", id_owned_by("n1", members_, "order"), "create", R"({"customer_id":"c"})");
  EXPECT_TRUE(reply.ok()) << reply.code << " " << reply.message;
}

TEST_F(ClusterTransport, IncompatiblePeerGetsNothing) {
  start_n1();
  start_n2({.fingerprint = "fp-other"});
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n2", peer_state::incompatible); }));
  ASSERT_TRUE(eventually([&] { return n2_->peer_is("n1", peer_state::incompatible); }));
  auto id = n2_order();
  auto refused = n1_->run("order", id, "create");
  EXPECT_EQ(refused.code, outcome::unavailable) << refused.message;
  EXPECT_NE(refused.message.find("incompatible"), std::string::npos) << refused.message;
  EXPECT_NE(refused.message.find("fingerprint"), std::string::npos) << refused.message;
  EXPECT_EQ(n2_->journal_version("order", id), 0u);
  EXPECT_TRUE(n1_->member().first_round_done());
}

TEST_F(ClusterTransport, UnreachablePeerIsDownAfterTheFirstRoundAndStopIsPrompt) {
  start_n1();  // n2 never starts
  ASSERT_TRUE(eventually([&] { return n1_->member().first_round_done(); }));
  EXPECT_TRUE(n1_->peer_is("n2", peer_state::down));
  auto refused = n1_->run("order", n2_order(), "create");
  EXPECT_EQ(refused.code, outcome::unavailable);
  EXPECT_NE(refused.message.find("n2 is not reachable"), std::string::npos) << refused.message;
  n1_->stop();  // returns; TearDown would hang otherwise
}

}  // namespace
}  // namespace ordo::cluster

namespace ordo::cluster {
namespace {

using namespace std::chrono_literals;
using namespace in_process;

// A node hands only keys it owns to its shards: one that reaches it by mistake (another member
// list on the sender) is refused, and nobody applies it.
TEST_F(ClusterTransport, EndpointRefusesKeysItDoesNotOwn) {
  start_n1();
  start_n2();
  both_up();
  auto& system = n1_->runtime().system();
  auto endpoint = system.middleman().remote_actor<endpoint_actor>("127.0.0.1", members_[1].port);
  ASSERT_TRUE(endpoint) << system.render(endpoint.error());
  auto mine = id_owned_by("n1", members_, "order");
  caf::scoped_actor self{system};
  actors::command_reply reply;
  self->request(*endpoint, 10s, test_member::envelope("order", mine, "create"))
      .receive([&](actors::command_reply& r) { reply = std::move(r); },
               [&](caf::error& e) { FAIL() << system.render(e); });
  EXPECT_EQ(reply.code, actors::outcome::unavailable);
  EXPECT_NE(reply.message.find("n2 does not own order " + mine), std::string::npos)
      << reply.message;
  EXPECT_EQ(n2_->journal_version("order", mine), 0u);
  EXPECT_EQ(n1_->journal_version("order", mine), 0u);
}

// CAF refuses a node of another wire version (middleman.app-identifiers) before any hello: it is
// shown incompatible all the same, and gets nothing.
TEST_F(ClusterTransport, PeerOfAnotherWireVersionIsIncompatible) {
  start_n1();
  caf::actor_system_config config;
  configure_middleman(config, cluster_of(members_, "n2"), test_wire_version + 1);
  caf::actor_system other{config};
  auto endpoint = spawn_endpoint(
      other, node_hello{"n2", "fp-test", test_wire_version + 1, 300, 3000}, {}, caf::actor{});
  ASSERT_TRUE(other.middleman().publish(endpoint, members_[1].port, "127.0.0.1", true));
  ASSERT_TRUE(eventually([&] { return n1_->peer_is("n2", peer_state::incompatible); }));
  auto refused = n1_->run("order", n2_order(), "create");
  EXPECT_EQ(refused.code, actors::outcome::unavailable);
  EXPECT_NE(refused.message.find("wire version"), std::string::npos) << refused.message;
  caf::anon_send_exit(endpoint, caf::exit_reason::kill);
}

TEST(MiddlemanSettings, RunsWithTheClusterSettingsOrTheCheckRefuses) {
  auto cluster = cluster_of({{"n1", "127.0.0.1", 1, ""}, {"n2", "127.0.0.1", 2, ""}}, "n1");
  caf::actor_system_config config;
  configure_middleman(config, cluster, 1);
  caf::actor_system system{config};
  EXPECT_NO_THROW(check_middleman(system, cluster, 1));
  EXPECT_EQ(caf::get_or(system.config(), "middleman.heartbeat-interval", caf::timespan{0}),
            caf::timespan{300ms});

  auto other_heartbeat = cluster;
  other_heartbeat.heartbeat_ms = 400;
  EXPECT_THROW(check_middleman(system, other_heartbeat, 1), std::runtime_error);
  auto other_timeout = cluster;
  other_timeout.connection_timeout_ms = 4000;
  EXPECT_THROW(check_middleman(system, other_timeout, 1), std::runtime_error);
  EXPECT_THROW(check_middleman(system, cluster, 2), std::runtime_error);

  caf::actor_system_config plain;
  caf::actor_system without{plain};
  EXPECT_THROW(check_middleman(without, cluster, 1), std::runtime_error);
}

TEST(NodeHello, NamesWhatDiffers) {
  node_hello ours{"n1", "fp", 1, 1000, 5000};
  auto theirs = ours;
  theirs.node_id = "n2";
  EXPECT_EQ(incompatibility(ours, theirs, "n2"), "");
  EXPECT_NE(incompatibility(ours, theirs, "n3").find("not n3"), std::string::npos);
  auto fingerprint = theirs;
  fingerprint.fingerprint = "other";
  EXPECT_NE(incompatibility(ours, fingerprint, "n2").find("fingerprint"), std::string::npos);
  auto wire = theirs;
  wire.wire_version = 2;
  EXPECT_NE(incompatibility(ours, wire, "n2").find("wire version"), std::string::npos);
  auto heartbeat = theirs;
  heartbeat.heartbeat_ms = 500;
  EXPECT_NE(incompatibility(ours, heartbeat, "n2").find("heartbeat"), std::string::npos);
}

}  // namespace
}  // namespace ordo::cluster
