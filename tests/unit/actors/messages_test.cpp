// Every message type in ordo's CAF type-ID block survives serialization inside a caf::message,
// which is what crossing a node does. An unregistered type fails here instead of arriving empty.
#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "actors/messages.hpp"

namespace ordo::actors {
namespace {

class Messages : public ::testing::Test {
 protected:
  static caf::actor_system_config& config() {
    static caf::actor_system_config cfg = [] {
      caf::actor_system_config c;
      c.add_message_types<caf::id_block::ordo>();
      return c;
    }();
    return cfg;
  }

  template <class T>
  T round_trip(const T& value) {
    caf::actor_system system{config()};
    std::vector<char> buffer;
    caf::binary_serializer sink{system, buffer};
    auto original = caf::make_message(value);
    EXPECT_FALSE(sink(original)) << "cannot serialize " << caf::type_name<T>::value;
    caf::binary_deserializer source{system, buffer};
    caf::message copy;
    EXPECT_FALSE(source(copy)) << "cannot deserialize " << caf::type_name<T>::value;
    EXPECT_TRUE(copy.match_elements<T>()) << caf::type_name<T>::value << " arrived as " << to_string(copy);
    return copy.match_elements<T>() ? copy.get_as<T>(0) : T{};
  }
};

TEST_F(Messages, CommandEnvelopeRoundTrips) {
  command_envelope e{"order", "o1", "add_item", R"({"sku":"s","quantity":1})", "cmd-1", "corr", "cause", 7,
                     1'700'000'000'123};
  EXPECT_EQ(round_trip(e), e);
}

TEST_F(Messages, CommandReplyWithFieldProblemsRoundTrips) {
  command_reply r;
  r.code = outcome::validation_failed;
  r.message = "bad";
  r.status = "draft";
  r.fields = {{"items[0].quantity", "must be 1..10000"}, {"sku", "is required"}};
  r.version = 3;
  r.position = 99;
  r.state = R"({"order_id":"o1"})";
  r.duplicate = true;
  EXPECT_EQ(round_trip(r), r);
}

TEST_F(Messages, CommandReplyCarriesEveryOutcome) {
  for (std::size_t i = 0; i < outcome_count; ++i) {
    command_reply r;
    r.code = static_cast<outcome>(i);
    EXPECT_EQ(round_trip(r).code, r.code);
  }
}

TEST_F(Messages, FieldProblemRoundTrips) {
  field_problem f{"sku", "is required"};
  EXPECT_EQ(round_trip(f), f);
}

TEST_F(Messages, AggregateInfoAndListsRoundTrip) {
  aggregate_info info{"stock", "sku-1", 12, 3, 1'700'000'000'000, 10, 2, R"({"on_hand":5})"};
  EXPECT_EQ(round_trip(info), info);
  std::vector<aggregate_info> list{info, info};
  list[1].aggregate_id = "sku-2";
  EXPECT_EQ(round_trip(list), list);
}

}  // namespace
}  // namespace ordo::actors
