// The typed outcome of a command: names for HTTP and records, values that are persisted, and which
// outcomes a caller may retry.
#include "actors/outcome.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "actors/command_outcome_store.hpp"

namespace ordo::actors {
namespace {

// Every outcome with its name and its persisted value: neither may ever change.
const std::map<outcome, std::pair<std::string, int>> every_outcome{
    {outcome::ok, {"ok", 0}},
    {outcome::validation_failed, {"validation_failed", 1}},
    {outcome::invalid_state, {"invalid_state", 2}},
    {outcome::not_found, {"not_found", 3}},
    {outcome::already_exists, {"already_exists", 4}},
    {outcome::out_of_stock, {"out_of_stock", 5}},
    {outcome::version_conflict, {"version_conflict", 6}},
    {outcome::unavailable, {"unavailable", 7}},
    {outcome::overloaded, {"overloaded", 8}},
    {outcome::outcome_unknown, {"outcome_unknown", 9}},
    {outcome::storage_unavailable, {"storage_unavailable", 10}},
    {outcome::internal_error, {"internal_error", 11}},
};

TEST(Outcome, EveryValueHasItsNameAndPersistedValueAndRoundTrips) {
  ASSERT_EQ(every_outcome.size(), outcome_count);
  for (const auto& [code, named] : every_outcome) {
    const auto& [name, value] = named;
    EXPECT_EQ(to_string(code), name);
    EXPECT_EQ(static_cast<int>(code), value) << name;
    EXPECT_EQ(parse_outcome(name), code) << name;
    EXPECT_EQ(outcome_from_value(static_cast<std::uint8_t>(value)), code) << name;
  }
}

TEST(Outcome, UnknownNamesAndValuesAreRefused) {
  for (std::string_view name :
       {"", "OK", "Ok", "other", "unknown", "ok ", "not-found", "duplicate"})
    EXPECT_EQ(parse_outcome(name), std::nullopt) << name;
  for (int value = static_cast<int>(outcome_count); value < 256; ++value)
    EXPECT_EQ(outcome_from_value(static_cast<std::uint8_t>(value)), std::nullopt) << value;
  EXPECT_EQ(to_string(static_cast<outcome>(200)), "unknown");
}

TEST(Outcome, OnlyAnswersThatMaySucceedWhenSentAgainAreTransient) {
  const std::set<outcome> transient{outcome::unavailable, outcome::overloaded,
                                    outcome::outcome_unknown, outcome::storage_unavailable};
  for (const auto& [code, named] : every_outcome)
    EXPECT_EQ(is_transient(code), transient.count(code) == 1) << named.first;
}

TEST(Outcome, EachDomainErrorIsTheOutcomeOfTheSameName) {
  for (auto e : {domain::error_code::validation_failed, domain::error_code::invalid_state,
                 domain::error_code::not_found, domain::error_code::already_exists,
                 domain::error_code::out_of_stock})
    EXPECT_EQ(to_string(outcome_of(e)), domain::to_string(e));
}

TEST(Outcome, EveryOutcomeSurvivesADurableOutcomeRecordAndItsByteIsTheValue) {
  for (const auto& [code, named] : every_outcome) {
    command_reply reply;
    reply.code = code;
    reply.message = "m";
    reply.version = 4;
    auto bytes = encode_command_outcome(reply, 1'700'000'000'000, false);
    auto decoded = decode_command_outcome(bytes);
    ASSERT_TRUE(decoded) << named.first;
    EXPECT_EQ(decoded->reply, reply) << named.first;
    // Format byte, then issued_at_ms as a varint, then the outcome's value.
    std::size_t at = 1;
    while (static_cast<std::uint8_t>(bytes[at]) & 0x80) ++at;
    EXPECT_EQ(static_cast<int>(static_cast<std::uint8_t>(bytes[at + 1])), named.second);
  }
}

TEST(Outcome, ARecordWithAnUnknownOutcomeIsRefused) {
  command_reply reply;
  auto bytes = encode_command_outcome(reply, 5, false);
  ASSERT_EQ(bytes[2], 0);  // format, issued_at_ms (one byte), outcome
  bytes[2] = static_cast<char>(outcome_count);
  EXPECT_FALSE(decode_command_outcome(bytes));
}

}  // namespace
}  // namespace ordo::actors
