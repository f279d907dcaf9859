// The registry of aggregate types: each name has its decider, and streams map to their type.
#include "domain/aggregate_types.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace ordo::domain {
namespace {

TEST(AggregateTypes, EveryNameHasTheDeciderOfThatName) {
  for (auto name : aggregate_type_names) {
    auto decider_name =
        with_decider(name, []<decider D>() { return std::string_view(D::type_name); });
    ASSERT_TRUE(decider_name) << name;
    EXPECT_EQ(*decider_name, name);
  }
  EXPECT_EQ(with_decider("invoice", []<decider D>() { return 1; }), std::nullopt);
}

TEST(AggregateTypes, AnEmptyResultIsNotAnUnknownType) {
  auto none = with_decider("saga", []<decider D>() { return std::optional<int>(); });
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, std::nullopt);
}

TEST(AggregateTypes, StreamsAreTypeDashId) {
  EXPECT_EQ(stream_name("saga", "o1"), "saga-o1");
  for (auto name : aggregate_type_names)
    EXPECT_EQ(aggregate_type_of_stream(stream_name(name, "x-1")), name);
  EXPECT_EQ(aggregate_type_of_stream("saga-"), std::nullopt);
  EXPECT_EQ(aggregate_type_of_stream("sagas-o1"), std::nullopt);
  EXPECT_EQ(aggregate_type_of_stream("invoice-1"), std::nullopt);
  EXPECT_EQ(find_aggregate_type("payment"), "payment");
  EXPECT_EQ(find_aggregate_type("Payment"), std::nullopt);
}

// A saga and a payment take their order's id and live with their order (issue 14: placement key
// order/<id>); every other type is placed by its own id.
TEST(AggregateTypes, SagasAndPaymentsArePlacedWithTheirOrder) {
  EXPECT_EQ(placement_key("order", "o1"), "order/o1");
  EXPECT_EQ(placement_key("saga", "o1"), "order/o1");
  EXPECT_EQ(placement_key("payment", "o1"), "order/o1");
  EXPECT_EQ(placement_key("stock", "o1"), "stock/o1");
  EXPECT_EQ(placement_key("invoice", "i-1"), "invoice/i-1");
  for (auto name : aggregate_type_names)
    EXPECT_TRUE(find_aggregate_type(placement_type(name))) << name;
}

}  // namespace
}  // namespace ordo::domain
