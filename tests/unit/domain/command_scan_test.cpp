// parse_command's fast path (detail::scan_command) against its DOM path: for any body, every
// command name of every decider, parse_command() gives what parse_command_with_dom() gives, the
// same command or the same error (code, message, fields). The fast path must take the plain
// bodies HTTP and the saga send; everything unusual may go to the DOM, which then answers.
#include "domain/detail/command_scan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/command_json.hpp"

namespace ordo::domain::testing {
namespace {

template <class D>
void expect_same_as_dom(std::string_view name, std::string_view id, std::string_view body) {
  const auto fast = parse_command<D>(name, id, body);
  const auto dom = parse_command_with_dom<D>(name, id, body);
  ASSERT_EQ(fast.has_value(), dom.has_value()) << D::type_name << "." << name << " " << body;
  if (dom) {
    EXPECT_EQ(*fast, *dom) << D::type_name << "." << name << " " << body;
  } else {
    EXPECT_EQ(fast.error(), dom.error()) << D::type_name << "." << name << " " << body;
  }
}

template <class D>
bool fast_path_takes(std::string_view name, std::string_view id, std::string_view body) {
  return detail::scan_command(std::type_identity<D>{}, name, id, body).has_value();
}

const std::vector<std::string_view> order_names{
    "create", "add_item", "remove_item", "place", "confirm", "reject", "cancel", "ship", "nope"};
const std::vector<std::string_view> stock_names{"restock", "reserve", "release", "ship", "nope"};
const std::vector<std::string_view> payment_names{"authorize", "void", "capture", "refund", "nope"};
const std::vector<std::string_view> saga_names{"start",
                                               "stock_reserved",
                                               "stock_unavailable",
                                               "stock_released",
                                               "stock_shipped",
                                               "payment_result",
                                               "order_result",
                                               "order_cancelled",
                                               "order_shipped",
                                               "timeout",
                                               "nope"};

// Bodies of the shapes docs/API.md and the saga send, and of every way to stray from them.
std::vector<std::string> bodies() {
  return {
      // what HTTP sends
      R"({"sku":"w1","quantity":2,"unit_price_cents":500})",
      R"({"customer_id":"c1"})",
      R"({"customer_id":"c1","order_id":"o-1"})",
      R"({"customer_id":"c1","order_id":null,"items":null,"shipping":null})",
      R"({"customer_id":"c1","items":[{"sku":"w1","quantity":2,"unit_price_cents":500},)"
      R"({"sku":"w2","quantity":1,"unit_price_cents":9900}],)"
      R"("shipping":{"name":"Ann","email":"a@b.c","address":"1 Main St"}})",
      R"({"customer_id":"c1","items":[]})",
      R"({"sku":"w1"})",
      R"({"payment_token":"tok_ok"})",
      R"({"reason":"changed my mind"})",
      R"({"reason":null})",
      R"({})",
      R"({"quantity":100})",
      R"({"quantity":100,"sku":"sku-1"})",
      R"({"order_id":"o-1","quantity":3})",
      R"({"order_id":"o-1"})",
      R"({"order_id":"o-1","amount_cents":1000,"token":"tok_ok"})",
      R"({"amount_cents":1000,"token":"tok_decline"})",
      // what the saga sends
      R"({"order_id":"o-1","items":[{"sku":"w1","quantity":2}],"total_cents":1000,)"
      R"("payment_token":"tok_ok","step_timeout_ms":5000})",
      R"({"items":[],"total_cents":0,"payment_token":"","step_timeout_ms":1})",
      R"({"status":"authorized"})",
      R"({"step":"authorizing","attempt":2})",
      R"({"step":"authorizing","attempt":4294967295})",
      R"({"step":"authorizing","attempt":4294967296})",
      R"({"step":"authorizing","attempt":-1})",
      // whitespace and field order
      " \t\r\n{ \"unit_price_cents\" : 500 ,\n\"quantity\":2, \"sku\" : \"w1\" } \n",
      R"({"unit_price_cents":500,"sku":"w1","quantity":2})",
      // members the command does not read
      R"({"sku":"w1","quantity":2,"unit_price_cents":500,"note":"gift","n":-5,"flag":true,)"
      R"("off":false,"none":null,"list":[1,"a",[],{}],"obj":{"a":{"b":[null]}}})",
      R"({"sku":"w1","quantity":2,"unit_price_cents":500,"x":1.5})",
      R"({"sku":"w1","quantity":2,"unit_price_cents":500,"x":[[[[[[[[[[1]]]]]]]]]]})",
      R"({"sku":"w1","quantity":2,"unit_price_cents":500,"x":"caf\u00e9"})",
      R"({"customer_id":"c1","items":[{"sku":"w1","quantity":2,"unit_price_cents":500,"x":1}]})",
      // escapes and unicode
      R"({"sku":"w\"1","quantity":2,"unit_price_cents":500})",
      R"({"sku":"w\u0031","quantity":2,"unit_price_cents":500})",
      "{\"sku\":\"caf\xc3\xa9\",\"quantity\":2,\"unit_price_cents\":500}",
      "{\"sku\":\"bad \xff\",\"quantity\":2,\"unit_price_cents\":500}",
      "{\"sku\":\"tab\there\",\"quantity\":2,\"unit_price_cents\":500}",
      "{\"sku\":\"del\x7f\",\"quantity\":2,\"unit_price_cents\":500}",
      R"({"sk\u0075":"w1","quantity":2,"unit_price_cents":500})",
      R"({"reason":"\ud83d\ude00"})",
      R"({"reason":"\ud83d"})",
      // numbers
      R"({"sku":"w1","quantity":0,"unit_price_cents":-0})",
      R"({"sku":"w1","quantity":-7,"unit_price_cents":999999999999999999})",
      R"({"sku":"w1","quantity":2,"unit_price_cents":9223372036854775807})",
      R"({"sku":"w1","quantity":2,"unit_price_cents":9223372036854775808})",
      R"({"sku":"w1","quantity":2,"unit_price_cents":-9223372036854775808})",
      R"({"sku":"w1","quantity":2,"unit_price_cents":-9223372036854775809})",
      R"({"sku":"w1","quantity":2,"unit_price_cents":1e3})",
      R"({"sku":"w1","quantity":2.0,"unit_price_cents":500})",
      R"({"sku":"w1","quantity":02,"unit_price_cents":500})",
      R"({"sku":"w1","quantity":"2","unit_price_cents":500})",
      R"({"quantity":1e2})",
      // duplicate keys
      R"({"sku":"w1","quantity":2,"quantity":3,"unit_price_cents":500})",
      R"({"sku":"w1","sku":"w2","quantity":2,"unit_price_cents":500})",
      R"({"customer_id":"c1","order_id":"o-1","order_id":"o-2"})",
      R"({"sku":"w1","quantity":2,"unit_price_cents":500,"x":1,"x":2})",
      // wrong and missing fields, other ids
      R"({"sku":"w1","quantity":2})",
      R"({"sku":null,"quantity":2,"unit_price_cents":500})",
      R"({"sku":1,"quantity":2,"unit_price_cents":500})",
      R"({"customer_id":"c1","order_id":"o-2"})",
      R"({"customer_id":"c1","order_id":5})",
      R"({"quantity":100,"sku":"other"})",
      R"({"customer_id":"c1","items":{}})",
      R"({"customer_id":"c1","items":[{"sku":"w1"}]})",
      R"({"customer_id":"c1","items":[1]})",
      R"({"customer_id":"c1","shipping":"Ann"})",
      R"({"customer_id":"c1","shipping":{"name":"Ann","email":"a@b.c"}})",
      R"({"reason":5})",
      R"({"items":[{"sku":"w1"}],"total_cents":1,"payment_token":"t","step_timeout_ms":1})",
      // not an object, or not JSON
      "",
      "   ",
      "null",
      "[]",
      R"("text")",
      "42",
      "{",
      R"({"sku":"w1",})",
      R"({"sku":"w1"} {})",
      R"({"sku":"w1"} x)",
      R"({'sku':'w1'})",
      R"({"sku" "w1"})",
      R"({"sku":"w1" "quantity":2})",
      R"({"a":[1,]})",
      std::string(40, '[') + std::string(40, ']'),
      R"({"x":)" + std::string(40, '[') + std::string(40, ']') + "}",
      std::string("{\"sku\":\"w1\",\0\"quantity\":2}", 26),
  };
}

TEST(CommandScan, AnswersAsTheDomForEveryBodyAndCommand) {
  for (const auto& body : bodies()) {
    for (auto name : order_names) {
      expect_same_as_dom<order_decider>(name, "o-1", body);
    }
    for (auto name : stock_names) expect_same_as_dom<stock_decider>(name, "sku-1", body);
    for (auto name : payment_names) expect_same_as_dom<payment_decider>(name, "o-1", body);
    for (auto name : saga_names) expect_same_as_dom<saga_decider>(name, "o-1", body);
  }
}

TEST(CommandScan, TakesThePlainBodiesOfTheApi) {
  EXPECT_TRUE(fast_path_takes<order_decider>(
      "add_item", "o-1", R"({"sku":"w1","quantity":2,"unit_price_cents":500})"));
  EXPECT_TRUE(fast_path_takes<order_decider>(
      "create", "o-1",
      R"({"customer_id":"c1","order_id":"o-1","items":[{"sku":"w1","quantity":2,)"
      R"("unit_price_cents":500}],"shipping":{"name":"A","email":"a@b.c","address":"x"}})"));
  EXPECT_TRUE(fast_path_takes<order_decider>("remove_item", "o-1", R"({"sku":"w1"})"));
  EXPECT_TRUE(fast_path_takes<order_decider>("place", "o-1", R"({"payment_token":"tok_ok"})"));
  EXPECT_TRUE(fast_path_takes<order_decider>("confirm", "o-1", "{}"));
  EXPECT_TRUE(fast_path_takes<order_decider>("cancel", "o-1", R"({"reason":null})"));
  EXPECT_TRUE(fast_path_takes<order_decider>("ship", "o-1", R"({"note":"x"})"));
  EXPECT_TRUE(fast_path_takes<stock_decider>("restock", "sku-1", R"({"quantity":10})"));
  EXPECT_TRUE(
      fast_path_takes<stock_decider>("reserve", "sku-1", R"({"order_id":"o-1","quantity":1})"));
  EXPECT_TRUE(fast_path_takes<payment_decider>("authorize", "o-1",
                                               R"({"amount_cents":1,"token":"tok_ok"})"));
  EXPECT_TRUE(fast_path_takes<saga_decider>(
      "start", "o-1",
      R"({"order_id":"o-1","items":[{"sku":"w1","quantity":2}],"total_cents":1000,)"
      R"("payment_token":"tok_ok","step_timeout_ms":5000})"));
  EXPECT_TRUE(
      fast_path_takes<saga_decider>("timeout", "o-1", R"({"step":"reserving","attempt":0})"));

  const auto scanned = detail::scan_command(std::type_identity<order_decider>{}, "add_item", "o-1",
                                            R"({"quantity":2,"sku":"w1","unit_price_cents":500})");
  ASSERT_TRUE(scanned.has_value());
  EXPECT_EQ(*scanned, order::command(order::add_item{"w1", 2, 500}));
}

TEST(CommandScan, LeavesErrorsAndOddBodiesToTheDom) {
  EXPECT_FALSE(fast_path_takes<order_decider>("add_item", "o-1", R"({"sku":"w1","quantity":2})"));
  EXPECT_FALSE(fast_path_takes<order_decider>(
      "add_item", "o-1", R"({"sku":"w1","quantity":2,"quantity":2,"unit_price_cents":1})"));
  EXPECT_FALSE(fast_path_takes<order_decider>("create", "o-1", R"({"customer_id":"c\n"})"));
  EXPECT_FALSE(
      fast_path_takes<order_decider>("create", "o-1", R"({"customer_id":"c","order_id":"o-2"})"));
  EXPECT_FALSE(fast_path_takes<order_decider>("nope", "o-1", "{}"));
}

// Every body of the table above, cut at every length: the fast path never answers differently
// on a prefix (a truncated body is the commonest malformed one).
TEST(CommandScan, AnswersAsTheDomForEveryPrefix) {
  for (const auto& body : bodies()) {
    for (std::size_t n = 0; n < body.size(); ++n) {
      const std::string_view cut(body.data(), n);
      expect_same_as_dom<order_decider>("add_item", "o-1", cut);
      expect_same_as_dom<order_decider>("create", "o-1", cut);
    }
  }
}

}  // namespace
}  // namespace ordo::domain::testing
