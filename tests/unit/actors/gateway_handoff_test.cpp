// What a caller is told when its command is not answered in time (issue 12, finding 4): a
// command its aggregate received may still be applied, so it is `outcome_unknown`; only a command
// that never reached its aggregate is `unavailable`, and that one is then never applied.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "actors/messages.hpp"
#include "actors/shard.hpp"
#include "held_journal.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class GatewayHandoff : public runtime_fixture {
 protected:
  static json item(const std::string& sku) {
    return {{"sku", sku}, {"quantity", 1}, {"unit_price_cents", 100}};
  }

  command_envelope add_item(const std::string& order, const std::string& sku) {
    command_envelope e;
    e.aggregate_type = "order";
    e.aggregate_id = order;
    e.command = "add_item";
    e.body = item(sku).dump();
    e.issued_at_ms = 1'700'000'000'000;
    return e;
  }

  // Sends without waiting; the future holds the reply.
  std::future<command_reply> send_later(command_envelope command) {
    auto promise = std::make_shared<std::promise<command_reply>>();
    auto future = promise->get_future();
    gate().send_async(std::move(command),
                      [promise](command_reply r) { promise->set_value(std::move(r)); });
    return future;
  }

  // The order each test starts from. Its first command also spawns and recovers the aggregate,
  // which under a sanitizer on a loaded machine can outlast the tests' short reply deadline, so
  // it is retried with the same command id (applied once) until it is answered.
  bool create_order(const std::string& order) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      auto reply = run("order", order, "create", {{"customer_id", "c1"}}, "test-create-" + order);
      if (reply.ok()) return true;
      if (!is_transient(reply.code)) return false;
    }
    return false;
  }

  std::vector<std::string> skus_of(const std::string& order) {
    std::vector<std::string> skus;
    auto state = state_of("order", order);
    for (auto& i : state["items"]) skus.push_back(i["sku"]);
    return skus;
  }

  // The order's skus once it has `count` of them (what it has after 10 s otherwise).
  std::vector<std::string> skus_once(const std::string& order, std::size_t count) {
    auto until = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      auto skus = skus_of(order);
      if (skus.size() >= count || std::chrono::steady_clock::now() > until) return skus;
      std::this_thread::sleep_for(5ms);
    }
  }
};

TEST_F(GatewayHandoff, ACommandWhoseWriteOutlastsTheTimeoutIsOutcomeUnknownAndAppliedAfterwards) {
  start({.command_timeout_ms = 2000});
  ASSERT_TRUE(create_order("o1"));
  held_journal journal(db().events());

  auto late = run("order", "o1", "add_item", item("a"));
  EXPECT_EQ(late.code, outcome::outcome_unknown) << late.message;

  journal.release();
  EXPECT_EQ(skus_once("o1", 1), std::vector<std::string>{"a"});
}

TEST_F(GatewayHandoff, ACommandThatNeverReachedItsAggregateIsUnavailableAndNeverApplied) {
  start({.command_timeout_ms = 2000});
  ASSERT_TRUE(create_order("o1"));
  held_journal journal(db().events());
  auto first = send_later(add_item("o1", "a"));
  ASSERT_TRUE(journal.wait_until_holding());
  // The aggregate stops once its write is done; until then its shard holds what comes for it.
  ASSERT_TRUE(gate().passivate("order", "o1"));

  auto held = run("order", "o1", "add_item", item("b"));
  EXPECT_EQ(held.code, outcome::unavailable) << held.message;
  EXPECT_EQ(first.get().code, outcome::outcome_unknown);

  journal.release();
  // A later command reaches the aggregate after the held one would have: once it is answered,
  // the held one was dropped or applied.
  auto later = run("order", "o1", "add_item", item("c"));
  ASSERT_TRUE(later.ok()) << later.code << " " << later.message;
  EXPECT_EQ(skus_of("o1"), (std::vector<std::string>{"a", "c"}));
}

TEST_F(GatewayHandoff, CommandsRefusedBeforeTheHandOffAreNeverApplied) {
  start({.command_timeout_ms = 2000, .max_in_flight = 1});
  ASSERT_TRUE(create_order("o1"));
  {
    held_journal journal(db().events());
    auto first = send_later(add_item("o1", "a"));
    ASSERT_TRUE(journal.wait_until_holding());
    EXPECT_EQ(run("order", "o1", "add_item", item("b")).code, outcome::overloaded);
    EXPECT_EQ(first.get().code, outcome::outcome_unknown);
  }
  EXPECT_EQ(run("ledger", "l1", "add_item", item("b")).code, outcome::not_found);
  EXPECT_EQ(skus_once("o1", 1), std::vector<std::string>{"a"});
}

TEST_F(GatewayHandoff, ALateReplyAfterATimeoutIsDroppedAndNeverReachesTheNextCaller) {
  start({.command_timeout_ms = 2000});
  ASSERT_TRUE(create_order("o1"));
  std::atomic<int> first_replies{0};
  auto first_reply = std::make_shared<std::promise<command_reply>>();
  std::optional<std::future<command_reply>> second;
  command_reply timed_out;
  {
    held_journal journal(db().events());
    gate().send_async(add_item("o1", "a"), [&first_replies, first_reply](command_reply r) {
      if (first_replies.fetch_add(1) == 0) first_reply->set_value(std::move(r));
    });
    ASSERT_TRUE(journal.wait_until_holding());
    // The aggregate holds its reply until the journal lets its write go: the caller gives up.
    EXPECT_EQ(first_reply->get_future().get().code, outcome::outcome_unknown);
    // The same thread's next blocking call, and an asynchronous one, queue behind the held write.
    timed_out = run("order", "o1", "add_item", item("b"));
    second = send_later(add_item("o1", "c"));
  }  // released: the aggregate now answers the first two, late, and then the third
  EXPECT_EQ(timed_out.code, outcome::outcome_unknown);
  auto answer = second->get();
  ASSERT_TRUE(answer.ok()) << answer.code << " " << answer.message;
  EXPECT_EQ(answer.version, 4u);  // created, a, b, c: its own reply, not a late one
  EXPECT_EQ(first_replies.load(), 1);
  // And the next caller on the thread whose call timed out gets its own reply too.
  auto next = run("order", "o1", "add_item", item("d"));
  ASSERT_TRUE(next.ok()) << next.code;
  EXPECT_EQ(next.version, 5u);
  EXPECT_EQ(first_replies.load(), 1);
}

TEST_F(GatewayHandoff, AReadDuringAHeldWriteAnswersAtOnceWithTheStateBeforeIt) {
  start({.command_timeout_ms = 2000});
  ASSERT_TRUE(create_order("o1"));
  held_journal journal(db().events());
  auto first = send_later(add_item("o1", "a"));
  ASSERT_TRUE(journal.wait_until_holding());
  auto read = gate().query("order", "o1");
  ASSERT_TRUE(read.ok()) << read.code << " " << read.message;
  EXPECT_EQ(read.version, 1u);  // the held write is not durable: not part of what is read
  journal.release();
  EXPECT_TRUE(first.get().ok());
  EXPECT_EQ(gate().query("order", "o1").version, 2u);
}

TEST_F(GatewayHandoff, AReadThatNeverReachesItsAggregateIsUnavailable) {
  start({.command_timeout_ms = 2000});
  ASSERT_TRUE(create_order("o1"));
  held_journal journal(db().events());
  auto first = send_later(add_item("o1", "a"));
  ASSERT_TRUE(journal.wait_until_holding());
  // The aggregate stops once its write is done; until then its shard holds what comes for it.
  ASSERT_TRUE(gate().passivate("order", "o1"));
  auto read = gate().query("order", "o1");
  EXPECT_EQ(read.code, outcome::unavailable) << read.message;
  // Only the first command's deadline can answer it while the journal holds its write; released
  // before that answer, the write could answer first (a loaded machine runs the deadline late).
  EXPECT_EQ(first.get().code, outcome::outcome_unknown);
  journal.release();
  EXPECT_EQ(gate().query("order", "o1").version, 2u);
}

TEST_F(GatewayHandoff, ACommandFromAnotherNodeIsAPlainRequestAnsweredThroughCaf) {
  start();
  ASSERT_TRUE(run("order", "o1", "create", {{"customer_id", "c1"}}).ok());
  caf::scoped_actor self{node().system()};
  command_reply answer;
  self->request(node().shards()[shard_of("order", "o1", static_cast<std::uint32_t>(node().shards().size()))],
                std::chrono::seconds(10), add_item("o1", "a"))
      .receive([&](command_reply& r) { answer = std::move(r); },
               [&](caf::error& e) { FAIL() << node().system().render(e); });
  ASSERT_TRUE(answer.ok()) << answer.code << " " << answer.message;
  EXPECT_EQ(answer.version, 2u);
  EXPECT_EQ(skus_of("o1"), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace ordo::actors::testing
