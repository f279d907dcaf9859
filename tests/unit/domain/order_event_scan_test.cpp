// The order codec's fast path (detail::scan_order_event) against its DOM decoder: for any bytes,
// decode() gives what decode_with_dom() gives, the same event or the same error. The fast path
// must take the events the encoder writes, in any field order and spacing; everything unusual
// may go to the DOM, which then answers.
#include "domain/detail/order_event_scan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "domain/order_codec.hpp"
#include "given_when_then.hpp"

namespace ordo::domain::testing {
namespace {

using order::order_status;

std::vector<order::event> every_kind_of_order_event() {
  return {
      order::order_created{"o1", "c1", std::nullopt},
      order::order_created{"o-2.x_y", "C9", order::shipping_details{"Ann", "a@b.c", "1 Main St"}},
      order::item_added{"o1", "w1", 2, 500, "USD"},
      order::item_added{"o1", "sku 7", 10'000, 1'000'000'000, "EUR"},
      order::item_removed{"o1", "w1"},
      order::order_placed{"o1", "c1", {{"w1", 2, 500}, {"w2", 1, 9900}}, 10'900, "tok_ok"},
      order::order_placed{"o1", "c1", {}, 0, ""},
      order::order_confirmed{"o1"},
      order::order_rejected{"o1", "payment_declined"},
      order::order_cancelled{"o1", std::nullopt, order_status::draft},
      order::order_cancelled{"o1", "changed my mind", order_status::confirmed},
      order::order_shipped{"o1"},
  };
}

bool fast_path_takes(const encoded_event& e) {
  return detail::scan_order_event(e.type, e.schema_version, e.data).has_value();
}

// decode() and the DOM agree: both decode to the same event, or both fail with the same error.
void expect_same_as_dom(const encoded_event& e) {
  const auto fast = order::decode(e);
  const auto dom = order::decode_with_dom(e);
  ASSERT_EQ(fast.has_value(), dom.has_value())
      << e.type << " v" << e.schema_version << " " << e.data;
  if (dom) {
    EXPECT_EQ(*fast, *dom) << e.type << " " << e.data;
  } else {
    EXPECT_EQ(fast.error(), dom.error()) << e.type << " " << e.data;
  }
}

encoded_event with_data(const encoded_event& e, std::string data) {
  return {e.type, e.schema_version, std::move(data)};
}

TEST(OrderEventScan, TakesEveryEventTheEncoderWrites) {
  for (const auto& event : every_kind_of_order_event()) {
    const auto encoded = order::encode(event);
    EXPECT_TRUE(fast_path_takes(encoded)) << encoded.data;
    const auto decoded = order::decode(encoded);
    ASSERT_TRUE(decoded) << encoded.data;
    EXPECT_EQ(*decoded, event);
    expect_same_as_dom(encoded);
  }
}

TEST(OrderEventScan, TakesReorderedFieldsAndWhitespace) {
  const std::vector<encoded_event> events = {
      {"ItemAdded", 2,
       R"({"currency":"USD","unit_price_cents":500,"quantity":2,"sku":"w1","order_id":"o1"})"},
      {"ItemAdded", 2,
       " \t\r\n{ \"order_id\" : \"o1\" ,\n\"sku\":\"w1\",\"quantity\": -3 ,\"unit_price_cents\":0,"
       "\"currency\":\"USD\" } \n"},
      {"OrderPlaced", 1,
       R"({"payment_token":"t","items":[ {"unit_price_cents":1,"sku":"a","quantity":1} ],)"
       R"("total_cents":1,"customer_id":"c","order_id":"o"})"},
      {"OrderCreated", 1, R"({"customer_id":"c1","order_id":"o1","shipping":null})"},
      {"OrderCreated", 1,
       R"({"shipping":{"address":"x","email":"y","name":"z"},"customer_id":"c1","order_id":"o1"})"},
      {"OrderCancelled", 1, R"({"reason":null,"from_status":"placed","order_id":"o1"})"},
  };
  for (const auto& e : events) {
    EXPECT_TRUE(fast_path_takes(e)) << e.data;
    expect_same_as_dom(e);
  }
}

TEST(OrderEventScan, UnusualPayloadsAgreeWithTheDom) {
  const encoded_event item{"ItemAdded", 2, ""};
  const std::vector<std::string> item_payloads = {
      // missing, extra, duplicate fields
      R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500})",
      R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500,"currency":"USD","x":1})",
      R"({"order_id":"o1","sku":"w1","quantity":2,"quantity":3,"unit_price_cents":5,"currency":"U"})",
      // wrong types and nulls
      R"({"order_id":1,"sku":"w1","quantity":2,"unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":"2","unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":null,"unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":true,"unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":["w1"],"quantity":2,"unit_price_cents":500,"currency":"USD"})",
      // numbers: fractions, exponents, huge, the int64 edges, leading zeros, negative zero
      R"({"order_id":"o1","sku":"w1","quantity":2.0,"unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":2e0,"unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":1e400,"unit_price_cents":5,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":123456789012345678,"unit_price_cents":5,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":9223372036854775807,"unit_price_cents":5,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":9223372036854775808,"unit_price_cents":5,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":-9223372036854775808,"unit_price_cents":5,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":-9223372036854775809,"unit_price_cents":5,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":99999999999999999999999,"unit_price_cents":5,"currency":"U"})",
      R"({"order_id":"o1","sku":"w1","quantity":007,"unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":-0,"unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":-,"unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":+1,"unit_price_cents":500,"currency":"USD"})",
      // escapes, unicode, control characters
      R"({"order_id":"o\u0031","sku":"w\"1","quantity":2,"unit_price_cents":500,"currency":"USD"})",
      R"({"order\u005fid":"o1","sku":"w1","quantity":2,"unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"caf\u00e9 \ud83d\ude00","quantity":2,"unit_price_cents":5,"currency":"U"})",
      R"({"order_id":"o1","sku":"\ud800","quantity":2,"unit_price_cents":500,"currency":"USD"})",
      "{\"order_id\":\"o1\",\"sku\":\"caf\xc3\xa9\",\"quantity\":2,\"unit_price_cents\":5,"
      "\"currency\":\"USD\"}",
      "{\"order_id\":\"o1\",\"sku\":\"bad \xff\",\"quantity\":2,\"unit_price_cents\":5,"
      "\"currency\":\"USD\"}",
      "{\"order_id\":\"o1\",\"sku\":\"tab\there\",\"quantity\":2,\"unit_price_cents\":5,"
      "\"currency\":\"USD\"}",
      // syntax
      R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500,"currency":"USD",})",
      R"({"order_id":"o1","sku":"w1","quantity":2 "unit_price_cents":500,"currency":"USD"})",
      R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500,"currency":"USD"} x)",
      R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500,"currency":"USD"}})",
      R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500,"currency":"USD")",
      R"({"order_id" "o1"})",
      R"({,})",
      R"({})",
      R"([])",
      R"("text")",
      R"(null)",
      "",
      " ",
  };
  for (const auto& data : item_payloads) expect_same_as_dom(with_data(item, data));

  const std::vector<encoded_event> others = {
      {"ItemAdded", 1, R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500})"},
      {"ItemAdded", 1,
       R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500,"currency":"EUR"})"},
      {"ItemAdded", 3,
       R"({"order_id":"o1","sku":"w1","quantity":2,"unit_price_cents":500,"currency":"USD"})"},
      {"ItemAdded", 0, R"({})"},
      {"NoSuchEvent", 1, R"({"order_id":"o1"})"},
      {"OrderShipped", 1, R"({"order_id":"o1","order_id":"o2"})"},
      {"OrderShipped", 1, R"({"order_id":null})"},
      {"OrderCreated", 1, R"({"order_id":"o1","customer_id":"c1","shipping":"x"})"},
      {"OrderCreated", 1, R"({"order_id":"o1","customer_id":"c1","shipping":{"name":"a"}})"},
      {"OrderCreated", 1,
       R"({"order_id":"o1","customer_id":"c1","shipping":{"name":"a","email":"b","address":"c","zip":1}})"},
      {"OrderCreated", 1, R"({"order_id":"o1","customer_id":"c1","shipping":nul})"},
      {"OrderPlaced", 1,
       R"({"order_id":"o","customer_id":"c","items":[{"sku":"a","quantity":1}],"total_cents":1,"payment_token":"t"})"},
      {"OrderPlaced", 1,
       R"({"order_id":"o","customer_id":"c","items":[1],"total_cents":1,"payment_token":"t"})"},
      {"OrderPlaced", 1,
       R"({"order_id":"o","customer_id":"c","items":{},"total_cents":1,"payment_token":"t"})"},
      {"OrderPlaced", 1,
       R"({"order_id":"o","customer_id":"c","items":[,],"total_cents":1,"payment_token":"t"})"},
      {"OrderPlaced", 1,
       R"({"order_id":"o","customer_id":"c","items":[{"sku":"a","quantity":1,"unit_price_cents":2},],"total_cents":1,"payment_token":"t"})"},
      {"OrderPlaced", 1,
       R"({"order_id":"o","customer_id":"c","items":[] ,"total_cents":1,"payment_token":"t"})"},
      {"OrderCancelled", 1, R"({"order_id":"o1","from_status":"lost"})"},
      {"OrderCancelled", 1, R"({"order_id":"o1","from_status":"none"})"},
      {"OrderCancelled", 1, R"({"order_id":"o1","from_status":"draft","reason":7})"},
      {"OrderCancelled", 1, R"({"order_id":"o1","reason":"x"})"},
      {"OrderRejected", 1, R"({"order_id":"o1","reason":null})"},
  };
  for (const auto& e : others) expect_same_as_dom(e);
}

// Deterministic mutations of every encoded event: flipped, dropped, duplicated and swapped bytes.
std::vector<std::string> mutations_of(const std::string& text, unsigned seed, int count) {
  std::mt19937 random(seed);
  const std::string interesting = "{}[],:\"\\ 0123456789-.eE+nul\x7f\x80\xff";
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    std::string m = text;
    for (int edits = 1 + static_cast<int>(random() % 3); edits > 0 && !m.empty(); --edits) {
      const std::size_t at = random() % m.size();
      switch (random() % 4) {
        case 0:
          m[at] = interesting[random() % interesting.size()];
          break;
        case 1:
          m.erase(at, 1);
          break;
        case 2:
          m.insert(at, 1, m[at]);
          break;
        default:
          std::swap(m[at], m[random() % m.size()]);
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

TEST(OrderEventScan, MutatedEventsAgreeWithTheDom) {
  unsigned seed = 1;
  int fast = 0;
  for (const auto& event : every_kind_of_order_event()) {
    const auto encoded = order::encode(event);
    for (const auto& data : mutations_of(encoded.data, ++seed, 3000)) {
      expect_same_as_dom(with_data(encoded, data));
      fast += fast_path_takes(with_data(encoded, data)) ? 1 : 0;
    }
  }
  EXPECT_GT(fast, 1000) << "the mutations should exercise the fast path too";
}

}  // namespace
}  // namespace ordo::domain::testing
