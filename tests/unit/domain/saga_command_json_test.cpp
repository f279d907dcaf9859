// Saga commands from JSON: every command's shape, the order id from the addressed saga, and every
// field of the wrong type or missing named.
#include <gtest/gtest.h>

#include "domain/command_json.hpp"
#include "saga_fixtures.hpp"

namespace ordo::domain::testing {
namespace {

using namespace saga;
using ::testing::ElementsAre;

command parsed(std::string_view name, std::string_view body) {
  const auto c = parse_command<saga_decider>(name, "o1", body);
  if (!c) {
    ADD_FAILURE() << name << " " << body << ": " << describe(c.error());
    return order_shipped{};
  }
  return *c;
}

error parse_error(std::string_view name, std::string_view body) {
  const auto c = parse_command<saga_decider>(name, "o1", body);
  if (c) {
    ADD_FAILURE() << "parsed " << name << " " << body;
    return {};
  }
  EXPECT_EQ(c.error().code, error_code::validation_failed);
  return c.error();
}

TEST(SagaCommandJson, ParsesEveryCommand) {
  EXPECT_EQ(
      parsed("start", R"({"order_id":"o1","items":[{"sku":"w1","quantity":2}],)"
                      R"("total_cents":1000,"payment_token":"tok_ok","step_timeout_ms":5000})"),
      command(start{"o1", {{"w1", 2}}, 1000, "tok_ok", 5000}));
  EXPECT_EQ(parsed("stock_reserved", R"({"sku":"w1"})"), command(stock_reserved{"w1"}));
  EXPECT_EQ(parsed("stock_unavailable", R"({"sku":"w1"})"), command(stock_unavailable{"w1"}));
  EXPECT_EQ(parsed("stock_released", R"({"sku":"w1"})"), command(stock_released{"w1"}));
  EXPECT_EQ(parsed("stock_shipped", R"({"sku":"w1"})"), command(stock_shipped{"w1"}));
  EXPECT_EQ(parsed("payment_result", R"({"status":"voided"})"), command(payment_result{"voided"}));
  EXPECT_EQ(parsed("order_result", R"({"status":"rejected"})"), command(order_result{"rejected"}));
  EXPECT_EQ(parsed("order_cancelled", "{}"), command(order_cancelled{}));
  EXPECT_EQ(parsed("order_shipped", "{}"), command(order_shipped{}));
  EXPECT_EQ(parsed("timeout", R"({"step":"authorizing","attempt":2})"),
            command(timeout{"authorizing", 2}));
}

TEST(SagaCommandJson, StartTakesTheOrderIdFromTheSaga) {
  EXPECT_EQ(std::get<start>(parsed("start", R"({"items":[],"total_cents":1,)"
                                            R"("payment_token":"tok_ok","step_timeout_ms":1})"))
                .order_id,
            "o1");
  EXPECT_THAT(fields_of(parse_error("start", R"({"order_id":"o2","items":[],"total_cents":1,)"
                                             R"("payment_token":"tok_ok","step_timeout_ms":1})")),
              ElementsAre("order_id"));
}

TEST(SagaCommandJson, StartNamesEveryMissingOrMistypedField) {
  EXPECT_THAT(fields_of(parse_error("start", "{}")),
              ElementsAre("items", "total_cents", "payment_token", "step_timeout_ms"));
  EXPECT_THAT(fields_of(parse_error("start", R"({"items":[{"sku":1},{"quantity":1.5}],)"
                                             R"("total_cents":"1","payment_token":null,)"
                                             R"("step_timeout_ms":1})")),
              ElementsAre("items[0].sku", "items[0].quantity", "items[1].sku", "items[1].quantity",
                          "total_cents", "payment_token"));
}

TEST(SagaCommandJson, AnswersNeedTheirOneField) {
  EXPECT_THAT(fields_of(parse_error("stock_reserved", "{}")), ElementsAre("sku"));
  EXPECT_THAT(fields_of(parse_error("stock_shipped", R"({"sku":7})")), ElementsAre("sku"));
  EXPECT_THAT(fields_of(parse_error("payment_result", "{}")), ElementsAre("status"));
  EXPECT_THAT(fields_of(parse_error("order_result", R"({"status":null})")), ElementsAre("status"));
}

TEST(SagaCommandJson, TimeoutAttemptsAreUnsigned32BitCounts) {
  EXPECT_EQ(parsed("timeout", R"({"step":"shipping","attempt":4294967295})"),
            command(timeout{"shipping", 4'294'967'295u}));
  for (std::string_view attempt : {"-1", "4294967296", "\"1\"", "1.0"}) {
    const std::string body = R"({"step":"shipping","attempt":)" + std::string(attempt) + "}";
    EXPECT_THAT(fields_of(parse_error("timeout", body)), ElementsAre("attempt")) << attempt;
  }
  EXPECT_THAT(fields_of(parse_error("timeout", "{}")), ElementsAre("step", "attempt"));
}

TEST(SagaCommandJson, AnUnknownCommandIsNamed) {
  const error e = parse_error("reserve", "{}");
  EXPECT_THAT(fields_of(e), ElementsAre("command"));
  EXPECT_EQ(e.fields.front().message, "saga has no command 'reserve'");
}

TEST(SagaCommandJson, ABodyThatIsNotAnObjectIsRefused) {
  for (std::string_view body : {"", "[]", "null", "{", "\"x\""}) {
    EXPECT_THAT(fields_of(parse_error("order_cancelled", body)), ElementsAre("")) << body;
  }
}

}  // namespace
}  // namespace ordo::domain::testing
