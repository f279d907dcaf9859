// Ids and field checks.
#include "domain/validation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

namespace ordo::domain {
namespace {

using ::testing::ElementsAre;

TEST(Validation, AcceptsIdsOfTheApiPattern) {
  for (std::string_view id : {"a", "Z", "0", "o1", "A1._-", "order-2026.11_23"}) {
    EXPECT_TRUE(is_valid_id(id)) << id;
  }
  EXPECT_TRUE(is_valid_id(std::string(64, 'x')));
}

TEST(Validation, RejectsIdsOutsideTheApiPattern) {
  for (std::string_view id : {"", "-a", ".a", "_a", "a b", "a/b", "a:b", "a\n", "é"}) {
    EXPECT_FALSE(is_valid_id(id)) << id;
  }
  EXPECT_FALSE(is_valid_id(std::string(65, 'x')));
  EXPECT_FALSE(is_valid_id(std::string_view("a\0b", 3)));
}

TEST(Validation, FieldChecksCollectEveryFailure) {
  field_checks check;
  check.id("order_id", "ok-id");
  check.id("customer_id", "");
  check.range("quantity", 0, 1, 10);
  check.range("price", 10, 1, 10);
  check.text("name", "", 5);
  check.text("email", "toolong", 5);
  constexpr std::array<std::string_view, 2> tokens{"tok_ok", "tok_decline"};
  check.one_of("payment_token", "tok_x", tokens);
  check.one_of("other_token", "tok_ok", tokens);
  ASSERT_FALSE(check.ok());
  std::vector<std::string> fields;
  for (const field_error& e : check.errors()) fields.push_back(e.field);
  EXPECT_THAT(fields, ElementsAre("customer_id", "quantity", "name", "email", "payment_token"));
  EXPECT_EQ(check.errors()[4].message, "must be one of tok_ok, tok_decline");

  const error e = check.failure().error();
  EXPECT_EQ(e.code, error_code::validation_failed);
  EXPECT_EQ(e.message, "customer_id: is required");
  EXPECT_EQ(e.fields.size(), 5u);
}

TEST(Validation, ErrorCodesHaveTheApiNames) {
  EXPECT_EQ(to_string(error_code::validation_failed), "validation_failed");
  EXPECT_EQ(to_string(error_code::invalid_state), "invalid_state");
  EXPECT_EQ(to_string(error_code::not_found), "not_found");
  EXPECT_EQ(to_string(error_code::already_exists), "already_exists");
  EXPECT_EQ(to_string(error_code::out_of_stock), "out_of_stock");
}

}  // namespace
}  // namespace ordo::domain
