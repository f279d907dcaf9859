// The journal completes a WriteBatch with one message per shard, and the shard tells each
// aggregate (actors/write_completion.hpp): every command of a batch answered exactly once after
// the batch is durable, a failed batch failing every command of it, and the outcome of an
// aggregate that died meanwhile reaching nobody (not the aggregate's next incarnation).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/aggregate.hpp"
#include "held_journal.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

using namespace std::chrono_literals;

class WriteCompletion : public runtime_fixture {
 protected:
  // Starts a runtime that remembers the handle of every aggregate it spawns, by id.
  void start_tracking(runtime_settings settings = {}) {
    start(settings);
    auto& context = node().context();
    auto standard = context.spawn_aggregate;
    context.spawn_aggregate = [standard, this](shard_actor::base& parent, const std::string& type,
                                               const std::string& id) {
      auto actor = standard(parent, type, id);
      std::lock_guard lock(mutex_);
      spawned_[id].push_back(actor);
      spawned_changed_.notify_all();
      return actor;
    };
  }

  // The handles spawned for `id` so far, once there are `count` of them (fewer after 10 s).
  std::vector<caf::actor> incarnations(const std::string& id, std::size_t count = 0) {
    std::unique_lock lock(mutex_);
    spawned_changed_.wait_for(lock, 10s, [&] { return spawned_[id].size() >= count; });
    return spawned_[id];
  }

  command_envelope create(const std::string& order, const std::string& command_id) {
    command_envelope e;
    e.aggregate_type = "order";
    e.aggregate_id = order;
    e.command = "create";
    e.body = R"({"customer_id":"c1"})";
    e.command_id = command_id;
    e.issued_at_ms = 1'700'000'000'000;
    return e;
  }

  // Sends without waiting; the future holds the reply (set exactly once, or it throws).
  std::future<command_reply> send_later(command_envelope command) {
    auto promise = std::make_shared<std::promise<command_reply>>();
    auto future = promise->get_future();
    gate().send_async(std::move(command),
                      [promise](command_reply r) { promise->set_value(std::move(r)); });
    return future;
  }

  std::mutex mutex_;
  std::condition_variable spawned_changed_;
  std::map<std::string, std::vector<caf::actor>> spawned_;
};

TEST_F(WriteCompletion, EveryCommandOfABatchIsAnsweredOnceAfterItIsDurable) {
  start({.shards = 4, .command_timeout_ms = 30'000});
  std::vector<std::future<command_reply>> replies;
  {
    held_journal held(db().events());
    replies.push_back(send_later(create("first", "c-first")));
    ASSERT_TRUE(held.wait_until_holding());
    // These queue behind the held batch and go into the next one together, across the shards.
    for (int i = 0; i < 40; ++i)
      replies.push_back(send_later(create("o" + std::to_string(i), "c" + std::to_string(i))));
    // Nothing is answered while its batch is not written.
    for (auto& r : replies) EXPECT_EQ(r.wait_for(0s), std::future_status::timeout);
  }
  for (std::size_t i = 0; i < replies.size(); ++i) {
    auto reply = replies[i].get();
    EXPECT_TRUE(reply.ok()) << i << ": " << to_string(reply.code) << " " << reply.message;
    EXPECT_EQ(reply.version, 1u) << i;
  }
  for (int i = 0; i < 40; ++i) {
    auto events = db().events().read("order-o" + std::to_string(i));
    ASSERT_TRUE(events);
    EXPECT_EQ(events->size(), 1u) << i;
  }
}

TEST_F(WriteCompletion, AFailedBatchFailsEveryCommandOfItAndTheAggregatesRecover) {
  start({.shards = 4, .command_timeout_ms = 30'000});
  std::vector<std::future<command_reply>> replies;
  std::atomic<bool> failing{true};
  {
    held_journal held(db().events(), [&] { return failing.load(); });
    replies.push_back(send_later(create("first", "c-first")));
    ASSERT_TRUE(held.wait_until_holding());
    for (int i = 0; i < 20; ++i)
      replies.push_back(send_later(create("o" + std::to_string(i), "c" + std::to_string(i))));
    held.release();  // both batches fail; the fault stays until every reply is in
    for (std::size_t i = 0; i < replies.size(); ++i) {
      auto reply = replies[i].get();
      EXPECT_EQ(reply.code, outcome::storage_unavailable) << i << ": " << reply.message;
    }
  }
  failing = false;
  // Nothing of the failed batches was written: the same commands now create the orders.
  for (int i = 0; i < 20; ++i) {
    auto reply = run("order", "o" + std::to_string(i), "create", {{"customer_id", "c1"}},
                     "c" + std::to_string(i));
    EXPECT_TRUE(reply.ok()) << i << ": " << to_string(reply.code) << " " << reply.message;
    EXPECT_EQ(reply.version, 1u) << i;
  }
}

TEST_F(WriteCompletion, TheOutcomeOfAnAggregateThatDiedReachesNeitherItNorItsSuccessor) {
  start_tracking({.shards = 2, .command_timeout_ms = 30'000});
  std::future<command_reply> first, second;
  {
    held_journal held(db().events());
    // The first incarnation's first append (epoch 1) is held in the journal...
    first = send_later(create("o1", "c-first"));
    ASSERT_TRUE(held.wait_until_holding());
    auto spawned = incarnations("o1", 1);
    ASSERT_EQ(spawned.size(), 1u);
    // ...when it dies.
    {
      caf::scoped_actor self{node().system()};
      self->monitor(spawned[0]);
      self->send_exit(spawned[0], caf::exit_reason::kill);
      self->receive([](caf::down_msg&) {});
    }
    auto answer = first.get();  // dropped with its actor: never a success
    EXPECT_FALSE(answer.ok());
    // The shard learns of the death from its own down message, which may come after ours: a
    // command routed before that would go into the dead actor's mailbox, not to a successor.
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (node().context().stats.aggregates_live.load() != 0 &&
           std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_EQ(node().context().stats.aggregates_live.load(), 0u);
    // The next incarnation recovers o1 as new (the held batch is not written) and appends its
    // own first append, also epoch 1, into the batch after the held one.
    second = send_later(create("o1", "c-second"));
    ASSERT_EQ(incarnations("o1", 2).size(), 2u);
  }
  // The held batch creates o1 for the dead incarnation; its outcome must not tell the successor
  // "created": the successor's own append finds o1 existing and fails.
  auto reply = second.get();
  EXPECT_FALSE(reply.ok()) << "the successor took its predecessor's outcome as its own";
  auto events = db().events().read("order-o1");
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->at(0).command_id, "c-first");
  // And o1 goes on from what is durable.
  auto next =
      run("order", "o1", "add_item", {{"sku", "s"}, {"quantity", 1}, {"unit_price_cents", 5}});
  EXPECT_TRUE(next.ok()) << to_string(next.code) << " " << next.message;
  EXPECT_EQ(next.version, 2u);
}

}  // namespace
}  // namespace ordo::actors::testing
