// Every message that crosses between nodes survives CAF's binary serializer inside a
// caf::message, registered the way a node registers it (cluster::add_wire_types). An
// unregistered type fails here instead of arriving empty on the other node.
#include "cluster/wire.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

namespace ordo::cluster {
namespace {

using actors::aggregate_info;
using actors::command_envelope;
using actors::command_reply;

class WireMessages : public ::testing::Test {
 protected:
  static caf::actor_system_config& config() {
    static caf::actor_system_config cfg = [] {
      caf::actor_system_config c;
      add_wire_types(c);
      return c;
    }();
    return cfg;
  }

  // `original` serialized and read back as a message.
  caf::message round_trip(const caf::message& original) {
    caf::actor_system system{config()};
    std::vector<char> buffer;
    caf::binary_serializer sink{system, buffer};
    EXPECT_FALSE(sink(const_cast<caf::message&>(original)))
        << "cannot serialize " << to_string(original);
    caf::binary_deserializer source{system, buffer};
    caf::message copy;
    EXPECT_FALSE(source(copy)) << "cannot deserialize " << to_string(original);
    return copy;
  }
};

TEST_F(WireMessages, ClusterBlockFollowsTheActorsBlock) {
  EXPECT_EQ(caf::id_block::ordo_cluster::begin, caf::id_block::ordo::end);
  EXPECT_GT(caf::id_block::ordo_cluster::end, caf::id_block::ordo_cluster::begin);
}

TEST_F(WireMessages, HandshakeRoundTrips) {
  node_hello hello{"n2", "fp-256-n1,n2,n3-1", 1, 500, 2000};
  auto copy = round_trip(caf::make_message(hello_atom::value, hello, caf::strong_actor_ptr{}));
  ASSERT_TRUE((copy.match_elements<hello_atom, node_hello, caf::strong_actor_ptr>()))
      << to_string(copy);
  EXPECT_EQ(copy.get_as<node_hello>(1), hello);
}

TEST_F(WireMessages, ForwardedCommandAndItsReplyRoundTrip) {
  command_envelope e{"order",           "o1",   "add_item", R"({"sku":"s","quantity":1})",
                     "cmd-1",           "corr", "cause",    7,
                     1'700'000'000'123, true};
  auto copy = round_trip(caf::make_message(e));
  ASSERT_TRUE(copy.match_elements<command_envelope>()) << to_string(copy);
  EXPECT_EQ(copy.get_as<command_envelope>(0), e);

  command_reply r;
  r.code = actors::outcome::outcome_unknown;
  r.message = "n2 went down";
  r.fields = {{"sku", "is required"}};
  r.version = 4;
  r.position = 99;
  auto reply = round_trip(caf::make_message(r));
  ASSERT_TRUE(reply.match_elements<command_reply>()) << to_string(reply);
  EXPECT_EQ(reply.get_as<command_reply>(0), r);
}

TEST_F(WireMessages, ForwardedReadsAndTheirAnswersRoundTrip) {
  std::string type = "stock";
  std::string id = "sku-1";
  auto query = round_trip(caf::make_message(actors::query_atom::value, type, id));
  EXPECT_TRUE((query.match_elements<actors::query_atom, std::string, std::string>()));
  auto snapshot = round_trip(caf::make_message(actors::snapshot_atom::value, type, id));
  EXPECT_TRUE((snapshot.match_elements<actors::snapshot_atom, std::string, std::string>()));
  auto inspect = round_trip(caf::make_message(actors::inspect_atom::value, type, id));
  EXPECT_TRUE((inspect.match_elements<actors::inspect_atom, std::string, std::string>()));
  auto passivate = round_trip(caf::make_message(actors::passivate_atom::value, type, id));
  EXPECT_TRUE((passivate.match_elements<actors::passivate_atom, std::string, std::string>()));

  aggregate_info info{"stock", "sku-1", 12, 3, 1'700'000'000'000, 10, 2, R"({"on_hand":5})"};
  auto answer = round_trip(caf::make_message(info));
  ASSERT_TRUE(answer.match_elements<aggregate_info>()) << to_string(answer);
  EXPECT_EQ(answer.get_as<aggregate_info>(0), info);
  auto live = round_trip(caf::make_message(true));
  ASSERT_TRUE(live.match_elements<bool>());
  EXPECT_TRUE(live.get_as<bool>(0));
}

// The endpoint's interface is what remote_actor compares: every signature names registered types.
TEST_F(WireMessages, AnOwnerReadAndItsAnswerRoundTrip) {
  owner_read read{.route = "/v1/orders/{id}/events",
                  .params = {{"id", "o1"}},
                  .query = {{"from", "2"}, {"limit", "10"}},
                  .headers = {{"X-Consistency-Token", "p17"}},
                  .request_id = "r-1"};
  auto copy = round_trip(caf::make_message(read));
  ASSERT_TRUE(copy.match_elements<owner_read>());
  EXPECT_EQ(copy.get_as<owner_read>(0), read);
  owner_read_reply answer{.status = 200,
                          .content_type = "application/json",
                          .headers = {{"ETag", "\"3\""}},
                          .body = R"({"events":[]})"};
  auto answered = round_trip(caf::make_message(answer));
  ASSERT_TRUE(answered.match_elements<owner_read_reply>());
  EXPECT_EQ(answered.get_as<owner_read_reply>(0), answer);
}

TEST_F(WireMessages, EndpointInterfaceNamesOnlyRegisteredTypes) {
  caf::actor_system system{config()};
  auto signatures = system.message_types<endpoint_actor>();
  ASSERT_EQ(signatures.size(), 7u);
  for (auto& s : signatures) EXPECT_EQ(s.find("invalid-type"), std::string::npos) << s;
}

}  // namespace
}  // namespace ordo::cluster
