// Order: every command in every status, against the table of the API's status machine.
#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <string>

#include "given_when_then.hpp"
#include "order_fixtures.hpp"

namespace ordo::domain::testing {
namespace {

using namespace order;

constexpr std::array statuses{
    order_status::none,    order_status::draft,     order_status::placed,  order_status::confirmed,
    order_status::shipped, order_status::cancelled, order_status::rejected};

// What each (valid) command does in each status, columns in the order of `statuses`.
// ok: events; nf: not_found; ae: already_exists; is: invalid_state (with the status).
struct row {
  command cmd;
  std::array<std::string_view, 7> outcome;
};

const std::array<row, 8>& table() {
  // Kept as a table: one row per command, one column per status.
  // clang-format off
  static const std::array<row, 8> rows{{
      //                                      none  draft placed conf  shipped cancelled rejected
      {create{"o1", "c1", {}, std::nullopt}, {"ok", "ae", "ae",  "ae", "ae",   "ae",     "ae"}},
      {add_item{"w2", 1, 100},               {"nf", "ok", "is",  "is", "is",   "is",     "is"}},
      {remove_item{"w1"},                    {"nf", "ok", "is",  "is", "is",   "is",     "is"}},
      {place{"tok_ok"},                      {"nf", "ok", "is",  "is", "is",   "is",     "is"}},
      {confirm{},                            {"nf", "is", "ok",  "is", "is",   "is",     "is"}},
      {reject{"payment_declined"},           {"nf", "is", "ok",  "is", "is",   "is",     "is"}},
      {cancel{},                             {"nf", "ok", "ok",  "ok", "is",   "is",     "is"}},
      {ship{},                               {"nf", "is", "is",  "ok", "is",   "is",     "is"}},
  }};
  // clang-format on
  return rows;
}

struct cell {
  std::size_t command_index;
  std::size_t status_index;
};

std::vector<cell> all_cells() {
  std::vector<cell> cells;
  for (std::size_t c = 0; c < table().size(); ++c) {
    for (std::size_t s = 0; s < statuses.size(); ++s) cells.push_back({c, s});
  }
  return cells;
}

std::string camel(std::string_view snake) {
  std::string out;
  bool upper = true;
  for (char ch : snake) {
    if (ch == '_') {
      upper = true;
    } else {
      out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
      upper = false;
    }
  }
  return out;
}

std::string outcome_name(std::string_view outcome) {
  if (outcome == "ok") return "Accepted";
  if (outcome == "nf") return "NotFound";
  if (outcome == "ae") return "AlreadyExists";
  return "InvalidState";
}

class OrderStatusMatrix : public ::testing::TestWithParam<cell> {};

TEST_P(OrderStatusMatrix, FollowsTheStatusMachine) {
  const row& r = table()[GetParam().command_index];
  const order_status status = statuses[GetParam().status_index];
  const std::string_view outcome = r.outcome[GetParam().status_index];
  auto s = scenario<order_decider>(history_in(status));
  ASSERT_EQ(s.before().status, status);
  s.when(r.cmd);
  if (outcome == "ok") {
    EXPECT_FALSE(s.and_state() == s.before()) << "an accepted command must change the order";
  } else if (outcome == "nf") {
    s.then_error(error_code::not_found);
  } else if (outcome == "ae") {
    s.then_error(error_code::already_exists);
  } else {
    EXPECT_EQ(s.then_error(error_code::invalid_state).status, to_string(status));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCommandInEveryStatus, OrderStatusMatrix,
                         ::testing::ValuesIn(all_cells()),
                         [](const ::testing::TestParamInfo<cell>& info) {
                           const row& r = table()[info.param.command_index];
                           return camel(command_name(r.cmd)) + "In" +
                                  camel(to_string(statuses[info.param.status_index])) + "Is" +
                                  outcome_name(r.outcome[info.param.status_index]);
                         });

}  // namespace
}  // namespace ordo::domain::testing
