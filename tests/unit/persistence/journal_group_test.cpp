// Appends completed through an append_group: one call per group and WriteBatch, each append
// exactly once, only after the batch is durable; a failed batch fails every append of it.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {
namespace {

struct numbered : append_token {
  explicit numbered(int n) : n(n) {}
  int n;
};

// Records every call it gets; checks inside each call that the batch is already durable.
class recording_group : public append_group {
 public:
  explicit recording_group(journal& events) : events_(events) {}

  void complete(std::vector<completed_append> appends) override {
    std::vector<int> numbers;
    for (auto& a : appends) {
      numbers.push_back(static_cast<numbered&>(*a.token).n);
      if (a.outcome) {
        // Told only once the whole batch is committed: its events are readable.
        if (events_.last_position() < a.outcome->last_position) ++told_too_early;
        auto read = events_.read("s" + std::to_string(static_cast<numbered&>(*a.token).n));
        if (!read || read->empty()) ++told_too_early;
      } else {
        errors.push_back(a.outcome.error().code);
      }
    }
    std::lock_guard lock(mutex);
    calls.push_back(std::move(numbers));
  }

  std::mutex mutex;
  std::vector<std::vector<int>> calls;  // the append numbers of each call, in order
  std::vector<storage_errc> errors;
  std::atomic<int> told_too_early{0};

 private:
  journal& events_;
};

class JournalGroup : public database_test {
 protected:
  // Holds the writer in its next batch until release(), so that what is appended meanwhile goes
  // into the batch after it, all together.
  void hold_writer() {
    events().set_write_fault([this] {
      std::unique_lock lock(mutex_);
      holding_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
      return failing_.load();
    });
    events().append_async(make_request("gate", expected_version::any(), {"g"}),
                          [](result<append_result>) {});
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return holding_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

  void append_numbered(const std::shared_ptr<recording_group>& group, int n) {
    events().append_async(make_request("s" + std::to_string(n), expected_version::any(), {"x"}),
                          group, std::make_unique<numbered>(n));
  }

  // Members so that they outlive the writer thread.
  std::mutex mutex_;
  std::condition_variable changed_;
  bool holding_ = false, released_ = false;
  std::atomic<bool> failing_{false};
};

TEST_F(JournalGroup, AppendsOfOneBatchCompleteInOneCallPerGroupEachExactlyOnceInOrder) {
  auto a = std::make_shared<recording_group>(events());
  auto b = std::make_shared<recording_group>(events());
  hold_writer();
  for (int n = 0; n < 10; ++n) append_numbered(n % 2 == 0 ? a : b, n);
  release();
  events().flush();  // returns after the group calls of the batches before it
  ASSERT_EQ(a->calls.size(), 1u);
  ASSERT_EQ(b->calls.size(), 1u);
  EXPECT_EQ(a->calls[0], (std::vector<int>{0, 2, 4, 6, 8}));
  EXPECT_EQ(b->calls[0], (std::vector<int>{1, 3, 5, 7, 9}));
  EXPECT_TRUE(a->errors.empty());
  EXPECT_TRUE(b->errors.empty());
  EXPECT_EQ(a->told_too_early + b->told_too_early, 0);
}

TEST_F(JournalGroup, AFailedBatchFailsEveryAppendOfItOnceAndWritesNone) {
  auto a = std::make_shared<recording_group>(events());
  auto b = std::make_shared<recording_group>(events());
  failing_ = true;  // the gate's batch fails too; so does the next one
  hold_writer();
  for (int n = 0; n < 6; ++n) append_numbered(n < 4 ? a : b, n);
  release();
  events().flush();
  ASSERT_EQ(a->calls.size(), 1u);
  ASSERT_EQ(b->calls.size(), 1u);
  EXPECT_EQ(a->calls[0], (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(b->calls[0], (std::vector<int>{4, 5}));
  EXPECT_EQ(a->errors, std::vector<storage_errc>(4, storage_errc::io_error));
  EXPECT_EQ(b->errors, std::vector<storage_errc>(2, storage_errc::io_error));
  EXPECT_TRUE(read_all_ok().empty());
}

TEST_F(JournalGroup, GroupedAndPlainAppendsShareABatchAndEachGetsItsOwnOutcome) {
  auto a = std::make_shared<recording_group>(events());
  hold_writer();
  append_numbered(a, 1);
  std::atomic<int> plain_ok{0};
  events().append_async(make_request("plain", expected_version::any(), {"p"}),
                        [&](result<append_result> r) { plain_ok += r ? 1 : 0; });
  // Fails alone (version check): the others of its batch are written.
  events().append_async(make_request("s2", expected_version::exact(7), {"x"}), a,
                        std::make_unique<numbered>(2));
  append_numbered(a, 3);
  release();
  events().flush();
  ASSERT_EQ(a->calls.size(), 1u);
  EXPECT_EQ(a->calls[0], (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(a->errors, std::vector<storage_errc>{storage_errc::wrong_expected_version});
  EXPECT_EQ(plain_ok, 1);
  EXPECT_EQ(a->told_too_early, 0);
}

}  // namespace
}  // namespace ordo::persistence::testing
