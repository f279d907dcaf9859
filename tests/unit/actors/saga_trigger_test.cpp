// The saga trigger keeps starting sagas when one of them keeps refusing (issue 12, finding 15):
// the refusing saga's commands are parked durably and retried on their own, in order.
#include "actors/saga_trigger.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "../readmodel/projections_support.hpp"
#include "runtime_fixture.hpp"

namespace ordo::actors::testing {
namespace {

using namespace std::chrono_literals;
using namespace readmodel::testing;  // order histories and the projection db fixture

// Sagas that answer ok, except those told to refuse (unavailable).
class fake_sagas {
 public:
  void refuse(const std::string& id) {
    std::lock_guard lock(mutex_);
    refusing_.insert(id);
  }
  void accept(const std::string& id) {
    std::lock_guard lock(mutex_);
    refusing_.erase(id);
  }
  // "<saga id>:<command>" of each command taken, in order.
  std::vector<std::string> taken() {
    std::lock_guard lock(mutex_);
    return taken_;
  }
  // Waits until `n` commands were taken; false after 10 s.
  bool wait_taken(std::size_t n) {
    auto until = std::chrono::steady_clock::now() + 10s;
    while (taken().size() < n)
      if (std::chrono::steady_clock::now() > until)
        return false;
      else
        std::this_thread::sleep_for(2ms);
    return true;
  }

  saga_trigger::deliver_fn deliver() {
    return [this](std::vector<command_envelope> commands) {
      std::lock_guard lock(mutex_);
      std::vector<command_reply> replies(commands.size());
      for (std::size_t i = 0; i < commands.size(); ++i) {
        if (refusing_.count(commands[i].aggregate_id) > 0) {
          replies[i].code = outcome::unavailable;
          replies[i].message = "the saga cannot take it now";
        } else {
          taken_.push_back(commands[i].aggregate_id + ":" + commands[i].command);
        }
      }
      return replies;
    };
  }

 private:
  std::mutex mutex_;
  std::set<std::string> refusing_;
  std::vector<std::string> taken_;
};

class SagaTrigger : public projection_db_test {
 protected:
  static constexpr saga_trigger::retry_policy quick{10ms, 50ms};

  void placed(order_history& history, const std::string& id) {
    history.create(id, "c1");
    history.add_item(id, "a", 1, 100);
    history.place(id);
  }

  bool parked_row(const std::string& saga_id) {
    auto row = kv().get(std::string(saga_trigger::retrying_prefix) + saga_id);
    return row && row->has_value();
  }
};

TEST_F(SagaTrigger, ARefusingSagaHoldsUpNoOtherAndIsRetriedOnItsOwn) {
  fake_sagas sagas;
  sagas.refuse("o1");
  saga_trigger trigger(sagas.deliver(), 5000, kv(), quick);
  order_history history;
  placed(history, "o1");
  feed(trigger, history.take());  // o1 refuses: parked, and the checkpoint moves on
  placed(history, "o2");
  feed(trigger, history.take());
  ASSERT_TRUE(sagas.wait_taken(1));
  EXPECT_EQ(sagas.taken()[0].rfind("o2:", 0), 0u) << sagas.taken()[0];
  auto retrying = trigger.retrying();
  ASSERT_EQ(retrying.size(), 1u);
  EXPECT_EQ(retrying[0].rfind("saga o1:", 0), 0u) << retrying[0];
  EXPECT_TRUE(parked_row("o1"));

  // A later event of the parked saga waits behind its first command.
  history.cancel("o1", domain::order::order_status::placed);
  feed(trigger, history.take());
  sagas.accept("o1");
  ASSERT_TRUE(sagas.wait_taken(3));
  auto taken = sagas.taken();
  EXPECT_EQ(taken[1].rfind("o1:", 0), 0u);
  EXPECT_EQ(taken[2].rfind("o1:", 0), 0u);
  EXPECT_NE(taken[1], taken[2]);  // the start, then what the cancellation sends
  EXPECT_TRUE(trigger.retrying().empty());
}

TEST_F(SagaTrigger, ParkedCommandsSurviveARestart) {
  order_history history;
  placed(history, "o1");
  {
    fake_sagas refusing;
    refusing.refuse("o1");
    saga_trigger trigger(refusing.deliver(), 5000, kv(), {10s, 10s});
    feed(trigger, history.take());
  }
  ASSERT_TRUE(parked_row("o1"));
  fake_sagas sagas;
  saga_trigger trigger(sagas.deliver(), 5000, kv(), quick);
  ASSERT_TRUE(sagas.wait_taken(1));
  EXPECT_EQ(sagas.taken()[0].rfind("o1:", 0), 0u);
}

}  // namespace
}  // namespace ordo::actors::testing
