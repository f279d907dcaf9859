// The stock and payment codecs' fast paths (detail::scan_stock_event, detail::scan_payment_event)
// against their DOM decoders, as order_event_scan_test.cpp holds the order codec: for any bytes,
// decode() gives what decode_with_dom() gives, the same event or the same error, and the events
// the encoders write never reach the DOM.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "domain/detail/payment_event_scan.hpp"
#include "domain/detail/stock_event_scan.hpp"
#include "domain/payment_codec.hpp"
#include "domain/stock_codec.hpp"

namespace ordo::domain::testing {
namespace {

std::vector<stock::event> every_kind_of_stock_event() {
  return {
      stock::restocked{"sku-1", 100},
      stock::restocked{"sku 2", 1'000'000},
      stock::stock_reserved{"sku-1", "o1", 2},
      stock::stock_released{"sku-1", "o-2.x_y", 123'456'789},
      stock::stock_shipped{"sku-1", "o1", 0},
  };
}

std::vector<payment::event> every_kind_of_payment_event() {
  return {
      payment::payment_requested{"o1", 10'900, "tok_ok"},
      payment::payment_authorized{"o1", 10'900},
      payment::payment_declined{"o1", "card_declined"},
      payment::payment_voided{"o1"},
      payment::payment_captured{"o-1", -5},
      payment::payment_refunded{"o1", 0},
  };
}

// Stock and payment, behind one face for the tests below.
struct stock_codec {
  static encoded_event encode(const stock::event& e) { return stock::encode(e); }
  static bool fast_path_takes(const encoded_event& e) {
    return detail::scan_stock_event(e.type, e.schema_version, e.data).has_value();
  }
  static auto decode(const encoded_event& e) { return stock::decode(e); }
  static auto decode_with_dom(const encoded_event& e) { return stock::decode_with_dom(e); }
};
struct payment_codec {
  static encoded_event encode(const payment::event& e) { return payment::encode(e); }
  static bool fast_path_takes(const encoded_event& e) {
    return detail::scan_payment_event(e.type, e.schema_version, e.data).has_value();
  }
  static auto decode(const encoded_event& e) { return payment::decode(e); }
  static auto decode_with_dom(const encoded_event& e) { return payment::decode_with_dom(e); }
};

// decode() and the DOM agree: both decode to the same event, or both fail with the same error.
template <class Codec>
void expect_same_as_dom(const encoded_event& e) {
  const auto fast = Codec::decode(e);
  const auto dom = Codec::decode_with_dom(e);
  ASSERT_EQ(fast.has_value(), dom.has_value())
      << e.type << " v" << e.schema_version << " " << e.data;
  if (dom) {
    EXPECT_EQ(*fast, *dom) << e.type << " " << e.data;
  } else {
    EXPECT_EQ(fast.error(), dom.error()) << e.type << " " << e.data;
  }
}

TEST(StockEventScan, TakesEveryEventTheEncoderWrites) {
  for (const auto& event : every_kind_of_stock_event()) {
    const auto encoded = stock::encode(event);
    EXPECT_TRUE(stock_codec::fast_path_takes(encoded)) << encoded.data;
    const auto decoded = stock::decode(encoded);
    ASSERT_TRUE(decoded) << encoded.data;
    EXPECT_EQ(*decoded, event);
    expect_same_as_dom<stock_codec>(encoded);
  }
}

TEST(PaymentEventScan, TakesEveryEventTheEncoderWrites) {
  for (const auto& event : every_kind_of_payment_event()) {
    const auto encoded = payment::encode(event);
    EXPECT_TRUE(payment_codec::fast_path_takes(encoded)) << encoded.data;
    const auto decoded = payment::decode(encoded);
    ASSERT_TRUE(decoded) << encoded.data;
    EXPECT_EQ(*decoded, event);
    expect_same_as_dom<payment_codec>(encoded);
  }
}

TEST(StockEventScan, TakesReorderedFieldsAndWhitespace) {
  const std::vector<encoded_event> events = {
      {"Restocked", 1, R"({"sku":"s1","quantity":5})"},
      {"StockReserved", 1, " {\n\"sku\" : \"s1\" ,\"quantity\":2,\t\"order_id\":\"o1\"} \r\n"},
      {"StockShipped", 1, R"({"quantity":-1,"sku":"s1","order_id":"o1"})"},
  };
  for (const auto& e : events) {
    EXPECT_TRUE(stock_codec::fast_path_takes(e)) << e.data;
    expect_same_as_dom<stock_codec>(e);
  }
}

TEST(PaymentEventScan, TakesReorderedFieldsAndWhitespace) {
  const std::vector<encoded_event> events = {
      {"PaymentRequested", 1, R"({"token":"tok_ok","order_id":"o1","amount_cents":7})"},
      {"PaymentDeclined", 1, " { \"reason\" : \"card_declined\" , \"order_id\" : \"o1\" } "},
      {"PaymentRefunded", 1, R"({"amount_cents":0,"order_id":"o1"})"},
  };
  for (const auto& e : events) {
    EXPECT_TRUE(payment_codec::fast_path_takes(e)) << e.data;
    expect_same_as_dom<payment_codec>(e);
  }
}

TEST(StockEventScan, UnusualPayloadsAgreeWithTheDom) {
  const std::vector<encoded_event> events = {
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1"})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":2,"x":1})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":2,"quantity":3})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":null,"quantity":2})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":"2"})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":2.0})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":2.5})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":1e400})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":9223372036854775808})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":-9223372036854775808})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":007})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":-0})"},
      {"StockReserved", 1, R"({"sku":"s\u0031","order_id":"o1","quantity":2})"},
      {"StockReserved", 1, R"({"sku":"s \"q\"","order_id":"o\\1","quantity":2})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":9223372036854775807})"},
      {"StockReserved", 1, R"({"s\u006bu":"s1","order_id":"o1","quantity":2})"},
      {"StockReserved", 1, "{\"sku\":\"bad \xff\",\"order_id\":\"o1\",\"quantity\":2}"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":2,})"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":2} x)"},
      {"StockReserved", 1, R"({"sku":"s1","order_id":"o1","quantity":2)"},
      {"StockReserved", 2, R"({"sku":"s1","order_id":"o1","quantity":2})"},
      {"StockReserved", 0, R"({})"},
      {"Restocked", 1, R"({})"},
      {"Restocked", 1, R"([])"},
      {"Restocked", 1, R"(null)"},
      {"Restocked", 1, ""},
      {"NoSuchEvent", 1, R"({"sku":"s1","quantity":1})"},
  };
  for (const auto& e : events) expect_same_as_dom<stock_codec>(e);
}

TEST(PaymentEventScan, UnusualPayloadsAgreeWithTheDom) {
  const std::vector<encoded_event> events = {
      {"PaymentRequested", 1, R"({"order_id":"o1","amount_cents":7})"},
      {"PaymentRequested", 1, R"({"order_id":"o1","amount_cents":7,"token":"t","extra":true})"},
      {"PaymentRequested", 1, R"({"order_id":"o1","amount_cents":7,"token":"t","token":"u"})"},
      {"PaymentRequested", 1, R"({"order_id":"o1","amount_cents":null,"token":"t"})"},
      {"PaymentRequested", 1, R"({"order_id":"o1","amount_cents":7,"token":7})"},
      {"PaymentAuthorized", 1, R"({"order_id":"o1","amount_cents":1e2})"},
      {"PaymentAuthorized", 1, R"({"order_id":"o1","amount_cents":+1})"},
      {"PaymentAuthorized", 1, R"({"order_id":"o1","amount_cents":99999999999999999999})"},
      {"PaymentDeclined", 1, R"({"order_id":"o1","reason":"tab\there"})"},
      {"PaymentDeclined", 1, R"({"order_id":"o1","reason":"\ud800"})"},
      {"PaymentDeclined", 1, R"({"order_id":"o1","reason":null})"},
      {"PaymentVoided", 1, R"({"order_id":"o1","order_id":"o2"})"},
      {"PaymentVoided", 1, R"({"order_id":["o1"]})"},
      {"PaymentVoided", 1, R"({"order_id":"o1"}})"},
      {"PaymentVoided", 2, R"({"order_id":"o1"})"},
      {"PaymentCaptured", 1, R"({,})"},
      {"PaymentCaptured", 1, R"("text")"},
      {"NoSuchEvent", 1, R"({"order_id":"o1"})"},
  };
  for (const auto& e : events) expect_same_as_dom<payment_codec>(e);
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

template <class Codec, class Event>
void expect_mutations_agree(const std::vector<Event>& events) {
  unsigned seed = 1;
  int fast = 0;
  for (const auto& event : events) {
    const auto encoded = Codec::encode(event);
    for (const auto& data : mutations_of(encoded.data, ++seed, 2000)) {
      const encoded_event mutated{encoded.type, encoded.schema_version, data};
      expect_same_as_dom<Codec>(mutated);
      fast += Codec::fast_path_takes(mutated) ? 1 : 0;
    }
  }
  EXPECT_GT(fast, 500) << "the mutations should exercise the fast path too";
}

TEST(StockEventScan, MutatedEventsAgreeWithTheDom) {
  expect_mutations_agree<stock_codec>(every_kind_of_stock_event());
}

TEST(PaymentEventScan, MutatedEventsAgreeWithTheDom) {
  expect_mutations_agree<payment_codec>(every_kind_of_payment_event());
}

}  // namespace
}  // namespace ordo::domain::testing
