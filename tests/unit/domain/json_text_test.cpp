// Untrusted JSON text: nesting is bounded before parsing, and parsing never throws.
#include "domain/json_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "domain/command_json.hpp"

namespace ordo::domain {
namespace {

std::string nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(JsonText, NestingUpToTheLimitIsParsed) {
  EXPECT_TRUE(nests_within(nested(max_json_depth), max_json_depth));
  EXPECT_FALSE(parse_untrusted_json(nested(max_json_depth)).is_discarded());
}

TEST(JsonText, NestingPastTheLimitIsRefusedUnparsed) {
  EXPECT_FALSE(nests_within(nested(max_json_depth + 1), max_json_depth));
  EXPECT_TRUE(parse_untrusted_json(nested(max_json_depth + 1)).is_discarded());
  EXPECT_TRUE(parse_untrusted_json(std::string(100000, '[')).is_discarded());
  EXPECT_FALSE(nests_within("{\"a\": {\"b\": [[[[]]]]}}", 5));
}

TEST(JsonText, BracketsInsideStringsDoNotCount) {
  EXPECT_TRUE(nests_within(R"({"sku": "[[[[[[", "x": "\"{{{{{{"})", 1));
  EXPECT_FALSE(parse_untrusted_json(R"({"sku": "[[[[[[", "x": "\"{{{{{{"})").is_discarded());
}

TEST(JsonText, TextThatIsNotJsonIsDiscarded) {
  for (std::string text : {"", "{", "{\"a\":}", "\xff", "1e400", "{\"a\": \"\\ud800\"}"})
    EXPECT_TRUE(parse_untrusted_json(text).is_discarded()) << text;
}

TEST(JsonText, DeepCommandBodiesAreValidationFailures) {
  auto body = R"({"sku": "s", "quantity": 1, "unit_price_cents": 1, "x": )" + nested(20000) + "}";
  auto command = parse_command<order_decider>("add_item", "o-1", body);
  ASSERT_FALSE(command.has_value());
  EXPECT_EQ(command.error().code, error_code::validation_failed);
}

// A plain object may be passed on as it is: nlohmann reads it as an object, and parsing what it
// dumps gives the same value. Anything else is not called plain (and is parsed by the caller).
TEST(JsonText, PlainObjectsAreObjectsToNlohmann) {
  for (std::string text :
       {R"({})", " {\n\t\"sku\" : \"w1\" , \"quantity\":2,\"unit_price_cents\":-500 } ",
        R"({"a":null,"b":true,"c":false,"d":[1,"x",[],{}],"e":{"f":{"g":[null]}}})",
        R"({"a":1,"a":2})"}) {
    EXPECT_TRUE(is_plain_json_object(text)) << text;
    const auto parsed = parse_untrusted_json(text);
    ASSERT_TRUE(parsed.is_object()) << text;
    EXPECT_EQ(parse_untrusted_json(parsed.dump()), parsed) << text;
  }
  for (std::string text : {"", " ", "[]", "null", "\"x\"", "{", "{\"a\":1,}", "{\"a\":1} x",
                           "{\"a\":1}{}", R"({"a":"\n"})", "{\"a\":\"\xc3\xa9\"}", R"({"a":1.5})",
                           R"({"a":1e2})", R"({"a":1234567890123456789})", R"({"a":tru})",
                           R"({'a':1})", R"({"a":[[[[[[[[[[1]]]]]]]]]]})"}) {
    EXPECT_FALSE(is_plain_json_object(text)) << text;
  }
}

}  // namespace
}  // namespace ordo::domain
