// Event codec: every event type round-trips; stored bytes that cannot be read are errors, never
// exceptions; ItemAdded v1 is upcast to v2.
#include <gtest/gtest.h>

#include <set>

#include "domain/event_upcasters.hpp"
#include "given_when_then.hpp"

namespace ordo::domain::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <class Variant>
std::set<std::string_view> all_types() {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::set<std::string_view>{std::variant_alternative_t<I, Variant>::type_name...};
  }
  (std::make_index_sequence<std::variant_size_v<Variant>>{});
}

// Encodes and decodes each sample, and checks the samples cover every event type of D.
template <decider D>
void expect_round_trips(const std::vector<typename D::event>& samples) {
  std::set<std::string_view> covered;
  for (const auto& e : samples) {
    const encoded_event encoded = D::encode(e);
    covered.insert(D::event_type(e));
    EXPECT_EQ(encoded.type, D::event_type(e));
    EXPECT_EQ(encoded.schema_version, event_upcasters().current_version(encoded.type));
    const auto decoded = D::decode(encoded);
    ASSERT_TRUE(decoded) << encoded.type << ": " << describe(decoded.error());
    EXPECT_TRUE(*decoded == e) << encoded.type << " " << encoded.data;
  }
  EXPECT_EQ(covered, all_types<typename D::event>());
}

TEST(EventCodec, EveryOrderEventRoundTrips) {
  using namespace order;
  expect_round_trips<order_decider>({
      order_created{"o1", "c1", std::nullopt},
      order_created{"o1", "c1", shipping_details{"Ada", "ada@example.com", "1 Loop Rd"}},
      item_added{"o1", "w1", 2, 500, "USD"},
      item_removed{"o1", "w1"},
      order_placed{"o1", "c1", {{"w1", 2, 500}, {"w2", 1, 1}}, 1001, "tok_hang"},
      order_confirmed{"o1"},
      order_rejected{"o1", "payment_timeout"},
      order_cancelled{"o1", std::nullopt, order_status::placed},
      order_cancelled{"o1", "changed \"my\" mind ✓", order_status::confirmed},
      order_shipped{"o1"},
  });
}

TEST(EventCodec, EveryStockEventRoundTrips) {
  using namespace stock;
  expect_round_trips<stock_decider>({
      restocked{"w1", 10},
      stock_reserved{"w1", "o1", 3},
      stock_released{"w1", "o1", 3},
      stock_shipped{"w1", "o1", 3},
  });
}

TEST(EventCodec, EveryPaymentEventRoundTrips) {
  using namespace payment;
  expect_round_trips<payment_decider>({
      payment_requested{"o1", 1000, "tok_ok"},
      payment_authorized{"o1", 1000},
      payment_declined{"o1", "card_declined"},
      payment_voided{"o1"},
      payment_captured{"o1", 1000},
      payment_refunded{"o1", 1000},
  });
}

TEST(EventCodec, DataIsCompactJsonWithSnakeCaseFields) {
  const encoded_event encoded = order_decider::encode(order::item_added{"o1", "w1", 2, 500, "USD"});
  EXPECT_EQ(encoded.type, "ItemAdded");
  EXPECT_EQ(encoded.schema_version, 2u);
  EXPECT_EQ(encoded.data,
            R"({"currency":"USD","order_id":"o1","quantity":2,"sku":"w1","unit_price_cents":500})");
}

TEST(EventCodec, OptionalFieldsAreLeftOutWhenAbsent) {
  const encoded_event encoded =
      order_decider::encode(order::order_cancelled{"o1", std::nullopt, order::order_status::draft});
  EXPECT_EQ(encoded.data, R"({"from_status":"draft","order_id":"o1"})");
}

TEST(EventCodec, InvalidUtf8IsReplacedNotThrown) {
  const encoded_event encoded = order_decider::encode(
      order::order_cancelled{"o1", std::string("bad \xff byte"), order::order_status::draft});
  EXPECT_THAT(encoded.data, HasSubstr("bad \xEF\xBF\xBD byte"));
}

TEST(EventCodec, ItemAddedV1DecodesAsV2InUsd) {
  const auto decoded = order_decider::decode(
      {"ItemAdded", 1, R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500})"});
  ASSERT_TRUE(decoded) << describe(decoded.error());
  EXPECT_EQ(*decoded, order::event(order::item_added{"o1", "w1", 2, 500, "USD"}));
}

TEST(EventCodec, ItemAddedV2KeepsItsCurrency) {
  const auto decoded = order_decider::decode(
      {"ItemAdded", 2,
       R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500,"currency":"EUR"})"});
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::get<order::item_added>(*decoded).currency, "EUR");
}

error decode_error(const encoded_event& encoded) {
  const auto decoded = order_decider::decode(encoded);
  if (decoded) {
    ADD_FAILURE() << "decoded " << encoded.type << " " << encoded.data;
    return {};
  }
  EXPECT_EQ(decoded.error().code, error_code::validation_failed);
  return decoded.error();
}

TEST(EventCodec, MalformedJsonIsAnError) {
  for (std::string data : {"", "{", "{\"order_id\":", "nul", "{} trailing", "\xff\xfe"}) {
    EXPECT_THAT(decode_error({"OrderShipped", 1, data}).message, HasSubstr("OrderShipped v1"))
        << data;
  }
}

TEST(EventCodec, DataThatIsNotAnObjectIsAnError) {
  for (std::string data : {"[]", "42", "\"o1\"", "null", "true"}) {
    EXPECT_THAT(decode_error({"OrderShipped", 1, data}).message, HasSubstr("not a JSON object"))
        << data;
  }
}

TEST(EventCodec, AWrongFieldTypeNamesTheField) {
  const error e = decode_error(
      {"ItemAdded", 2,
       R"({"order_id":"o1","sku":"w1","quantity":"2","unit_price_cents":500,"currency":"USD"})"});
  EXPECT_THAT(fields_of(e), ElementsAre("quantity"));
  EXPECT_THAT(e.message, HasSubstr("ItemAdded v2"));
}

TEST(EventCodec, AFloatingPointAmountIsAnError) {
  const error e = decode_error(
      {"ItemAdded", 2,
       R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":5.0,"currency":"USD"})"});
  EXPECT_THAT(fields_of(e), ElementsAre("unit_price_cents"));
}

TEST(EventCodec, AnIntegerBeyondInt64IsAnError) {
  const error e = decode_error(
      {"ItemAdded", 2,
       R"({"order_id":"o1","sku":"w1","quantity":18446744073709551615,"unit_price_cents":1,"currency":"USD"})"});
  EXPECT_THAT(fields_of(e), ElementsAre("quantity"));
}

TEST(EventCodec, MissingFieldsAreAllNamed) {
  const error e = decode_error({"ItemAdded", 2, R"({"order_id":"o1"})"});
  EXPECT_THAT(fields_of(e), ElementsAre("sku", "quantity", "unit_price_cents", "currency"));
}

TEST(EventCodec, ANestedWrongTypeNamesItsPath) {
  const error e = decode_error(
      {"OrderPlaced", 1,
       R"({"order_id":"o1","customer_id":"c1","items":[{"sku":"w1","quantity":1,"unit_price_cents":1},{"sku":"w2","quantity":[],"unit_price_cents":1}],"total_cents":2,"payment_token":"tok_ok"})"});
  EXPECT_THAT(fields_of(e), ElementsAre("items[1].quantity"));
}

TEST(EventCodec, AnUnknownStatusValueIsAnError) {
  const error e = decode_error({"OrderCancelled", 1, R"({"order_id":"o1","from_status":"limbo"})"});
  EXPECT_THAT(fields_of(e), ElementsAre("from_status"));
}

TEST(EventCodec, AnUnknownTypeIsAnErrorNamingIt) {
  EXPECT_THAT(decode_error({"OrderTeleported", 1, "{}"}).message, HasSubstr("OrderTeleported v1"));
}

TEST(EventCodec, AnotherAggregatesEventIsAnError) {
  EXPECT_THAT(decode_error({"Restocked", 1, R"({"sku":"w1","quantity":1})"}).message,
              HasSubstr("not a known order event type"));
  EXPECT_FALSE(stock_decider::decode({"OrderShipped", 1, R"({"order_id":"o1"})"}));
  EXPECT_FALSE(payment_decider::decode({"StockShipped", 1, "{}"}));
}

TEST(EventCodec, AFutureVersionIsAnErrorNamingIt) {
  const error e = decode_error({"ItemAdded", 3, R"({"order_id":"o1"})"});
  EXPECT_THAT(e.message, HasSubstr("ItemAdded v3"));
  EXPECT_THAT(e.message, HasSubstr("newer than the current 2"));
}

TEST(EventCodec, VersionZeroIsAnError) {
  EXPECT_THAT(decode_error({"OrderShipped", 0, R"({"order_id":"o1"})"}).message,
              HasSubstr("OrderShipped v0"));
}

}  // namespace
}  // namespace ordo::domain::testing
