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

}  // namespace
}  // namespace ordo::domain
