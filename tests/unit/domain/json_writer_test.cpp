// The DOM-free writers against nlohmann: encode() writes the bytes encode_with_dom() writes, and
// render_json() the bytes of compact_json(to_json(s) + "version"), for every event type and state
// type, over ordinary values and awkward ones (escapes, control bytes, UTF-8 well-formed and not,
// the extremes of every integer).
#include "domain/detail/json_writer.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "domain/deciders.hpp"

namespace ordo::domain::testing {
namespace {

using nlohmann::json;

// Strings that exercise every escaping rule.
std::vector<std::string> awkward_texts() {
  return {
      "",
      "o-1",
      "plain words, with: punctuation/slashes {}[]",
      "quote \" and backslash \\",
      "controls \b\f\n\r\t",
      std::string("nul \0 byte", 10),
      "\x01\x1f\x7f",
      "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",  // é, 日本, 😀
      "\xef\xbf\xbd",                                           // U+FFFD itself
      "bad \xff byte",
      "cut \xc3",
      "overlong \xc0\xaf and \xe0\x80\xaf",
      "surrogate \xed\xa0\x80",
      "past U+10FFFF \xf4\x90\x80\x80",
      "stray continuation \x80\xbf",
      "\xe6\x97 cut in the middle",
      "\\u0041 is not unescaped",
  };
}

std::vector<std::int64_t> awkward_integers() {
  return {0,
          1,
          -1,
          42,
          1'000'000'000'000,
          std::numeric_limits<std::int64_t>::max(),
          std::numeric_limits<std::int64_t>::min()};
}

template <class Codec, class Event>
void expect_same_bytes(const Event& event) {
  const encoded_event written = Codec::encode(event);
  const encoded_event dom = Codec::encode_with_dom(event);
  EXPECT_EQ(written, dom) << dom.type << " " << dom.data;
}

template <class D>
void expect_same_render(const typename D::state& s, std::uint64_t version = 7) {
  json expected = D::to_json(s);
  expected["version"] = version;
  EXPECT_EQ(D::render_json(s, version), compact_json(expected));
}

struct order_codec {
  static encoded_event encode(const order::event& e) { return order::encode(e); }
  static encoded_event encode_with_dom(const order::event& e) { return order::encode_with_dom(e); }
};
struct stock_codec {
  static encoded_event encode(const stock::event& e) { return stock::encode(e); }
  static encoded_event encode_with_dom(const stock::event& e) { return stock::encode_with_dom(e); }
};
struct payment_codec {
  static encoded_event encode(const payment::event& e) { return payment::encode(e); }
  static encoded_event encode_with_dom(const payment::event& e) {
    return payment::encode_with_dom(e);
  }
};
struct saga_codec {
  static encoded_event encode(const saga::event& e) { return saga::encode(e); }
  static encoded_event encode_with_dom(const saga::event& e) { return saga::encode_with_dom(e); }
};

TEST(JsonWriter, OrderEventsAreTheDomsBytes) {
  using namespace order;
  for (const auto& t : awkward_texts()) {
    for (const auto n : awkward_integers()) {
      for (const event& e : std::vector<event>{
               order_created{t, t + "c", std::nullopt},
               order_created{"o1", "c1", shipping_details{t, "a@b.c", t + "x"}},
               item_added{"o1", t, n, -n, t},
               item_removed{t, "w1"},
               order_placed{t, "c1", {{t, n, 1}, {"w2", 2, n}}, n, t},
               order_placed{"o1", "c1", {}, 0, ""},
               order_confirmed{t},
               order_rejected{"o1", t},
               order_cancelled{t, std::nullopt, order_status::draft},
               order_cancelled{"o1", t, order_status::confirmed},
               order_shipped{t},
           })
        expect_same_bytes<order_codec>(e);
    }
  }
}

TEST(JsonWriter, StockPaymentAndSagaEventsAreTheDomsBytes) {
  for (const auto& t : awkward_texts()) {
    for (const auto n : awkward_integers()) {
      for (const stock::event& e : std::vector<stock::event>{
               stock::restocked{t, n}, stock::stock_reserved{t, "o1", n},
               stock::stock_released{"w1", t, n}, stock::stock_shipped{t, t, n}})
        expect_same_bytes<stock_codec>(e);
      for (const payment::event& e : std::vector<payment::event>{
               payment::payment_requested{t, n, t}, payment::payment_authorized{t, n},
               payment::payment_declined{t, t}, payment::payment_voided{t},
               payment::payment_captured{"o1", n}, payment::payment_refunded{t, -n}})
        expect_same_bytes<payment_codec>(e);
      for (const saga::event& e : std::vector<saga::event>{
               saga::saga_started{t, {{t, n}, {"w2", 1}}, n, t, n, n},
               saga::saga_started{"o1", {}, 0, "", 0, 0}, saga::saga_sku_reserved{t},
               saga::saga_step_entered{t, n, t, true},
               saga::saga_step_entered{"reserving", 0, "", false},
               saga::saga_payment_recorded{t, true},
               saga::saga_payment_recorded{"authorized", false}, saga::saga_sku_settled{t},
               saga::saga_order_settled{t},
               saga::saga_step_retried{std::numeric_limits<std::uint32_t>::max(), n},
               saga::saga_step_retried{0, 0}, saga::saga_finished{t}})
        expect_same_bytes<saga_codec>(e);
    }
  }
}

TEST(JsonWriter, StatesRenderAsTheDomsBytes) {
  const timestamp times[] = {0, 1'795'430'520'123, 253'402'300'799'999};
  for (const auto& t : awkward_texts()) {
    for (const auto n : awkward_integers()) {
      for (const timestamp at : times) {
        order::state o{t,
                       t,
                       order::order_status::placed,
                       {{t, 2, 500}, {"w2", 1, n}},
                       std::nullopt,
                       std::nullopt,
                       t,
                       at,
                       at + 1};
        expect_same_render<order_decider>(o);
        o.reason = t;
        o.shipping = order::shipping_details{t, t + "@", t};
        o.items.clear();
        expect_same_render<order_decider>(o, std::numeric_limits<std::uint64_t>::max());

        stock::state st{t, stock::stock_status::active, n, 3, {{t, 3}}, 9};
        expect_same_render<stock_decider>(st);

        payment::state p{t, payment::payment_status::authorized, n, std::nullopt};
        expect_same_render<payment_decider>(p, 0);
        p.token = t;
        expect_same_render<payment_decider>(p);

        saga::state s;
        s.order_id = t;
        s.status = saga::saga_status::active;
        s.step = saga::saga_step::reserving;
        s.items = {{t, n}, {"w2", 1}};
        s.total_cents = n;
        s.outcome = t;
        s.payment_status = t;
        s.reserved = {t, "w2", "a"};
        s.settled = {t};
        s.attempt = 3;
        s.started_at = at;
        s.deadline = at;  // 0 renders as null
        expect_same_render<saga_decider>(s);
      }
    }
  }
  expect_same_render<order_decider>(order::state{});
  expect_same_render<stock_decider>(stock::state{});
  expect_same_render<payment_decider>(payment::state{});
  expect_same_render<saga_decider>(saga::state{});
}

TEST(JsonWriter, EveryByteAloneIsEscapedAsNlohmannEscapesIt) {
  for (int b = 0; b < 256; ++b) {
    const std::string text(1, static_cast<char>(b));
    std::string written;
    detail::append_json_string(written, text);
    EXPECT_EQ(written, compact_json(json(text))) << "byte " << b;
  }
}

TEST(JsonWriter, Utf8CheckFollowsUnicodeTable3_7) {
  EXPECT_TRUE(detail::is_utf8("plain"));
  EXPECT_TRUE(detail::is_utf8("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"));
  EXPECT_TRUE(detail::is_utf8("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"));
  EXPECT_FALSE(detail::is_utf8("\xc1\xbf"));          // overlong
  EXPECT_FALSE(detail::is_utf8("\xe0\x9f\xbf"));      // overlong
  EXPECT_FALSE(detail::is_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(detail::is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(detail::is_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(detail::is_utf8("\xe2\x82"));  // cut short
  EXPECT_FALSE(detail::is_utf8("\xe2\x28\xa1"));
}

}  // namespace
}  // namespace ordo::domain::testing
