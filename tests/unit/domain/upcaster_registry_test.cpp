// upcaster_registry: chains of steps, and every way a chain can be broken.
#include <gtest/gtest.h>

#include <stdexcept>

#include "domain/codec.hpp"
#include "domain/event_upcasters.hpp"
#include "domain/order.hpp"
#include "given_when_then.hpp"

namespace ordo::domain::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

upcaster_registry three_versions() {
  upcaster_registry registry;
  registry.add_step("Thing", 1, [](json d) {
    d["steps"].push_back(1);
    return d;
  });
  registry.add_step("Thing", 2, [](json d) {
    d["steps"].push_back(2);
    return d;
  });
  return registry;
}

TEST(UpcasterRegistry, StepsRaiseTheCurrentVersion) {
  EXPECT_EQ(three_versions().current_version("Thing"), 3u);
  EXPECT_EQ(three_versions().current_version("Other"), std::nullopt);
}

TEST(UpcasterRegistry, AppliesTheChainInOrder) {
  const auto upcast = three_versions().upcast("Thing", 1, json{{"steps", json::array()}});
  ASSERT_TRUE(upcast);
  EXPECT_EQ((*upcast)["steps"], json({1, 2}));
}

TEST(UpcasterRegistry, StartsAtTheGivenVersion) {
  const auto upcast = three_versions().upcast("Thing", 2, json{{"steps", json::array()}});
  ASSERT_TRUE(upcast);
  EXPECT_EQ((*upcast)["steps"], json({2}));
}

TEST(UpcasterRegistry, TheCurrentVersionPassesUnchanged) {
  const json data{{"x", 1}};
  EXPECT_EQ(three_versions().upcast("Thing", 3, data), data);
}

TEST(UpcasterRegistry, AMissingStepIsAnError) {
  upcaster_registry registry;
  registry.declare("Gap", 3);
  registry.add_step("Gap", 2, [](json d) { return d; });
  const auto upcast = registry.upcast("Gap", 1, json::object());
  ASSERT_FALSE(upcast);
  EXPECT_EQ(upcast.error().code, error_code::validation_failed);
  EXPECT_THAT(upcast.error().message, HasSubstr("Gap v1"));
  EXPECT_THAT(upcast.error().message, HasSubstr("no upcaster from v1 to v2"));
  EXPECT_TRUE(registry.upcast("Gap", 2, json::object()));
}

TEST(UpcasterRegistry, AThrowingStepIsAnError) {
  upcaster_registry registry;
  registry.add_step("Fragile", 1, [](json d) -> json {
    d.at("absent");  // nlohmann throws out_of_range
    return d;
  });
  const auto upcast = registry.upcast("Fragile", 1, json::object());
  ASSERT_FALSE(upcast);
  EXPECT_THAT(upcast.error().message, HasSubstr("Fragile v1"));
}

TEST(UpcasterRegistry, UnknownTypesAndUnknownVersionsAreErrors) {
  EXPECT_FALSE(three_versions().upcast("Other", 1, json::object()));
  EXPECT_FALSE(three_versions().upcast("Thing", 0, json::object()));
  EXPECT_FALSE(three_versions().upcast("Thing", 4, json::object()));
}

TEST(EventUpcasters, KnowEveryEventTypeAtItsWrittenVersion) {
  EXPECT_EQ(event_upcasters().current_version("ItemAdded"), order::item_added::schema_version);
  EXPECT_EQ(event_upcasters().current_version("OrderCreated"), 1u);
  EXPECT_EQ(event_upcasters().current_version("Restocked"), 1u);
  EXPECT_EQ(event_upcasters().current_version("PaymentRefunded"), 1u);
}

TEST(EventUpcasters, EveryTypeHasACompleteChainFromV1) {
  for (std::string_view type :
       {"OrderCreated", "ItemAdded", "ItemRemoved", "OrderPlaced", "OrderConfirmed",
        "OrderRejected", "OrderCancelled", "OrderShipped", "Restocked", "StockReserved",
        "StockReleased", "StockShipped", "PaymentRequested", "PaymentAuthorized", "PaymentDeclined",
        "PaymentVoided", "PaymentCaptured", "PaymentRefunded"}) {
    EXPECT_TRUE(event_upcasters().upcast(type, 1, json::object())) << type;
  }
}

}  // namespace
}  // namespace ordo::domain::testing
