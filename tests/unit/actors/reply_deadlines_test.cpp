// A gateway call answered exactly once (actors/command_call.hpp), and the deadline watch of
// asynchronous calls (actors/reply_deadlines.hpp): whoever answers first wins, every later answer
// is dropped, and which timeout reply a call gets depends on whether its command was handed over.
#include "actors/reply_deadlines.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <vector>

#include "actors/command_call.hpp"

namespace ordo::actors {
namespace {

using namespace std::chrono_literals;

command_reply reply_with(outcome code, std::uint64_t version = 0) {
  command_reply r;
  r.code = code;
  r.version = version;
  return r;
}

// Collects every reply a call receives.
struct recorder {
  std::mutex mutex;
  std::vector<command_reply> replies;
  std::promise<void> first;

  std::shared_ptr<command_call> call() {
    return std::make_shared<command_call>([this](command_reply r) {
      std::lock_guard lock(mutex);
      replies.push_back(std::move(r));
      if (replies.size() == 1) first.set_value();
    });
  }
  std::vector<outcome> codes() {
    std::lock_guard lock(mutex);
    std::vector<outcome> out;
    for (auto& r : replies) out.push_back(r.code);
    return out;
  }
};

TEST(CommandCall, TheFirstAnswerWinsAndLaterOnesAreDropped) {
  recorder got;
  auto call = got.call();
  EXPECT_TRUE(call->complete(reply_with(outcome::ok, 3)));
  EXPECT_FALSE(call->expire());
  EXPECT_FALSE(call->complete(reply_with(outcome::invalid_state)));
  ASSERT_EQ(got.replies.size(), 1u);
  EXPECT_EQ(got.replies[0].version, 3u);
}

TEST(CommandCall, AReplyAfterTheDeadlineIsDroppedAndTheCommandIsNoLongerHandedOver) {
  recorder got;
  auto call = got.call();
  EXPECT_TRUE(call->expire());
  EXPECT_FALSE(call->hand_over());  // the shard drops the command
  EXPECT_FALSE(call->complete(reply_with(outcome::ok)));
  EXPECT_EQ(got.codes(), std::vector<outcome>{outcome::unavailable});
}

TEST(CommandCall, ADeadlineAfterTheHandOffIsOutcomeUnknown) {
  recorder handed, accepted;
  auto first = handed.call();
  ASSERT_TRUE(first->hand_over());
  EXPECT_TRUE(first->expire());
  auto second = accepted.call();
  ASSERT_TRUE(second->hand_over());
  second->accept();
  EXPECT_TRUE(second->expire());
  EXPECT_EQ(handed.codes(), std::vector<outcome>{outcome::outcome_unknown});
  EXPECT_EQ(accepted.codes(), std::vector<outcome>{outcome::outcome_unknown});
}

TEST(CommandCall, ACommandDroppedUnreadIsUnavailableAndOneDroppedAfterItsAggregateTookItIsUnknown) {
  recorder unread, taken, answered;
  {
    reply_ticket ticket(unread.call());
    ASSERT_TRUE(ticket.hand_over());
    reply_ticket copy = ticket;  // a copy of the message: the last one gone decides
  }
  {
    reply_ticket ticket(taken.call());
    ASSERT_TRUE(ticket.hand_over());
    ticket.accept();
  }
  {
    reply_ticket ticket(answered.call());
    ticket.complete(reply_with(outcome::ok));
  }
  EXPECT_EQ(unread.codes(), std::vector<outcome>{outcome::unavailable});
  EXPECT_EQ(taken.codes(), std::vector<outcome>{outcome::outcome_unknown});
  EXPECT_EQ(answered.codes(), std::vector<outcome>{outcome::ok});
}

TEST(CommandCall, AWaitingCallerGetsTheAnswerOrItsOwnTimeoutReply) {
  auto answered = std::make_shared<command_call>();
  std::thread aggregate([answered] { answered->complete(reply_with(outcome::ok, 9)); });
  EXPECT_EQ(answered->wait_until(std::chrono::steady_clock::now() + 10s).version, 9u);
  aggregate.join();

  auto late = std::make_shared<command_call>();
  ASSERT_TRUE(late->hand_over());
  auto reply = late->wait_until(std::chrono::steady_clock::now() + 1ms);
  EXPECT_EQ(reply.code, outcome::outcome_unknown);
  EXPECT_FALSE(late->complete(reply_with(outcome::ok)));
}

TEST(ReplyDeadlines, ACallNobodyAnswersGetsTheTimeoutReplyOnce) {
  recorder got;
  auto first = got.first.get_future();
  {
    reply_deadlines deadlines(20ms);
    auto call = got.call();
    deadlines.watch(call);
    ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
    call->complete({});  // the aggregate's answer, too late: dropped
  }
  EXPECT_EQ(got.codes(), std::vector<outcome>{outcome::unavailable});
}

TEST(ReplyDeadlines, AnAnsweredCallNeverHearsOfItsDeadline) {
  recorder answered, unanswered;
  auto second_done = unanswered.first.get_future();
  reply_deadlines deadlines(20ms);
  auto call = answered.call();
  deadlines.watch(call);
  call->complete({});  // code ok
  // A call watched after the first expires after it: once it has, the first one's deadline has
  // passed too.
  auto later = unanswered.call();
  deadlines.watch(later);
  ASSERT_EQ(second_done.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(answered.codes(), std::vector<outcome>{outcome::ok});
  EXPECT_EQ(unanswered.codes(), std::vector<outcome>{outcome::unavailable});
}

TEST(ReplyDeadlines, ACallThatIsGoneIsForgotten) {
  reply_deadlines deadlines(10ms);
  recorder got;
  deadlines.watch(got.call());  // nobody keeps the call: nothing to deliver to
  recorder later;
  auto done = later.first.get_future();
  auto kept = later.call();
  deadlines.watch(kept);
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(got.codes().empty());
}

TEST(ReplyDeadlines, ALateCallWhoseCommandWasHandedOverIsOutcomeUnknown) {
  recorder got;
  auto first = got.first.get_future();
  reply_deadlines deadlines(10ms);
  auto call = got.call();
  ASSERT_TRUE(call->hand_over());
  deadlines.watch(call);
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(got.codes(), std::vector<outcome>{outcome::outcome_unknown});
}

TEST(ReplyDeadlines, WatchesCallsFromManyThreadsAndWakesAfterIdling) {
  reply_deadlines deadlines(5ms);
  constexpr int threads = 4, per_thread = 50;
  std::vector<std::unique_ptr<recorder>> got;
  std::vector<std::shared_ptr<command_call>> calls;
  for (int i = 0; i < threads * per_thread; ++i) {
    got.push_back(std::make_unique<recorder>());
    calls.push_back(got.back()->call());
  }
  for (int round = 0; round < 2; ++round) {  // the second round finds the sweeper idle
    std::vector<std::thread> callers;
    for (int t = 0; t < threads; ++t)
      callers.emplace_back([&, t, round] {
        for (int i = 0; i < per_thread / 2; ++i)
          deadlines.watch(calls[t * per_thread + round * per_thread / 2 + i]);
      });
    for (auto& c : callers) c.join();
    for (int t = 0; t < threads; ++t)
      for (int i = 0; i < per_thread / 2; ++i)
        ASSERT_EQ(
            got[t * per_thread + round * per_thread / 2 + i]->first.get_future().wait_for(10s),
            std::future_status::ready);
  }
  for (auto& g : got) EXPECT_EQ(g->codes(), std::vector<outcome>{outcome::unavailable});
}

}  // namespace
}  // namespace ordo::actors
