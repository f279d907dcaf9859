// The gateway's deadline watch: a call nobody answers gets the timeout reply, once, and which one
// depends on whether its command was handed over; a call answered in time never hears of its
// deadline.
#include "actors/reply_deadlines.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <vector>

namespace ordo::actors {
namespace {

using namespace std::chrono_literals;

command_reply reply_with(outcome code) {
  command_reply r;
  r.code = code;
  r.message = "late";
  return r;
}

command_reply never_handed() { return reply_with(outcome::unavailable); }
command_reply maybe_applied() { return reply_with(outcome::outcome_unknown); }

// Collects every reply a call receives.
struct recorder {
  std::mutex mutex;
  std::vector<outcome> codes;
  std::promise<void> first;

  std::shared_ptr<one_reply> call() {
    return std::make_shared<one_reply>([this](command_reply r) {
      std::lock_guard lock(mutex);
      codes.push_back(r.code);
      if (codes.size() == 1) first.set_value();
    });
  }
};

TEST(ReplyDeadlines, ACallNobodyAnswersGetsTheTimeoutReplyOnce) {
  recorder got;
  auto first = got.first.get_future();
  {
    reply_deadlines deadlines(20ms, never_handed(), maybe_applied());
    auto call = got.call();
    deadlines.watch(call, std::make_shared<handoff>());
    ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
    call->deliver({});  // the aggregate's answer, too late: dropped
  }
  EXPECT_EQ(got.codes, std::vector<outcome>{outcome::unavailable});
}

TEST(ReplyDeadlines, AnAnsweredCallNeverHearsOfItsDeadline) {
  recorder answered, unanswered;
  auto second_done = unanswered.first.get_future();
  reply_deadlines deadlines(20ms, never_handed(), maybe_applied());
  auto call = answered.call();
  deadlines.watch(call, std::make_shared<handoff>());
  call->deliver({});  // code "ok"
  // A call watched after the first expires after it: once it has, the first one's deadline has
  // passed too.
  auto later = unanswered.call();
  deadlines.watch(later, std::make_shared<handoff>());
  ASSERT_EQ(second_done.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(answered.codes, std::vector<outcome>{outcome::ok});
  EXPECT_EQ(unanswered.codes, std::vector<outcome>{outcome::unavailable});
}

TEST(ReplyDeadlines, ACallThatIsGoneIsForgotten) {
  reply_deadlines deadlines(10ms, never_handed(), maybe_applied());
  recorder got;
  deadlines.watch(got.call(), std::make_shared<handoff>());  // nobody keeps the call: nothing to deliver to
  recorder later;
  auto done = later.first.get_future();
  auto kept = later.call();
  deadlines.watch(kept, std::make_shared<handoff>());
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(got.codes.empty());
}

TEST(ReplyDeadlines, ALateCallWhoseCommandWasHandedOverIsOutcomeUnknown) {
  recorder got;
  auto first = got.first.get_future();
  reply_deadlines deadlines(10ms, never_handed(), maybe_applied());
  auto call = got.call();
  auto decision = std::make_shared<handoff>();
  ASSERT_TRUE(decision->hand_over());
  deadlines.watch(call, decision);
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(got.codes, std::vector<outcome>{outcome::outcome_unknown});
}

TEST(ReplyDeadlines, ALateCallThatWasNeverHandedOverCanNoLongerBe) {
  recorder got;
  auto first = got.first.get_future();
  reply_deadlines deadlines(10ms, never_handed(), maybe_applied());
  auto call = got.call();
  auto decision = std::make_shared<handoff>();
  deadlines.watch(call, decision);
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(got.codes, std::vector<outcome>{outcome::unavailable});
  EXPECT_FALSE(decision->hand_over());  // the shard drops the command
}

}  // namespace
}  // namespace ordo::actors
