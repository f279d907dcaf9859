// The node-wide log: positions in commit order, read_all and for_each, the commit listener,
// asynchronous appends, and what survives reopening the database.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {
namespace {

using numbers = std::vector<std::uint64_t>;

class JournalLog : public database_test {
 protected:
  // a:1 b:1 a:2 a:3 c:1 b:2, at positions 1..6.
  void append_interleaved() {
    append_ok(make_request("a", expected_version::any(), {"a-1"}));
    append_ok(make_request("b", expected_version::any(), {"b-1"}));
    append_ok(make_request("a", expected_version::any(), {"a-2", "a-3"}));
    append_ok(make_request("c", expected_version::any(), {"c-1"}));
    append_ok(make_request("b", expected_version::any(), {"b-2"}));
  }
};

TEST_F(JournalLog, EmptyJournalHasLastPositionZeroAndNoEvents) {
  EXPECT_EQ(events().last_position(), 0u);
  EXPECT_TRUE(read_all_ok().empty());
}

TEST_F(JournalLog, PositionsAreAssignedInCommitOrderAcrossStreams) {
  append_interleaved();
  auto all = read_all_ok();
  ASSERT_EQ(all.size(), 6u);
  const std::vector<std::string> data = {"a-1", "b-1", "a-2", "a-3", "c-1", "b-2"};
  const std::vector<std::string> streams = {"a", "b", "a", "a", "c", "b"};
  const numbers stream_versions = {1, 1, 2, 3, 1, 2};
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].position, i + 1);
    EXPECT_EQ(all[i].data, data[i]);
    EXPECT_EQ(all[i].stream, streams[i]);
    EXPECT_EQ(all[i].version, stream_versions[i]);
    EXPECT_EQ(static_cast<const event_data&>(all[i]), make_event(data[i]));
  }
  EXPECT_EQ(events().last_position(), 6u);
}

TEST_F(JournalLog, ReadAllAgreesWithPerStreamReads) {
  append_interleaved();
  for (const auto& e : read_all_ok()) {
    EXPECT_EQ(read_ok(e.stream, e.version, e.version).at(0), e);
  }
}

TEST_F(JournalLog, ReadAllIntoAReusedVectorGivesTheSameBatches) {
  append_interleaved();
  // Longer payloads first, so that reused strings shrink as well as grow.
  append_ok(make_request("d", expected_version::any(), {std::string(100, 'x'), "y"}));
  std::vector<recorded_event> batch(5);  // stale elements to overwrite
  batch[0].data = std::string(200, 'z');
  for (std::uint64_t from = 1; from <= 9; from += 3) {
    ASSERT_TRUE(events().read_all(from, 3, batch));
    EXPECT_EQ(batch, read_all_ok(from, 3)) << "from " << from;
  }
  ASSERT_TRUE(events().read_all(1, 0, batch));
  EXPECT_TRUE(batch.empty());
}

TEST_F(JournalLog, ReadAllFromPosition) {
  append_interleaved();
  EXPECT_EQ(positions_of(read_all_ok(4)), (numbers{4, 5, 6}));
  EXPECT_EQ(positions_of(read_all_ok(6)), (numbers{6}));
  EXPECT_TRUE(read_all_ok(7).empty());
}

TEST_F(JournalLog, ReadAllFromPositionZeroStartsAtTheFirstEvent) {
  append_interleaved();
  EXPECT_EQ(read_all_ok(0), read_all_ok(1));
}

TEST_F(JournalLog, ReadAllWithMax) {
  append_interleaved();
  EXPECT_EQ(positions_of(read_all_ok(2, 3)), (numbers{2, 3, 4}));
  EXPECT_EQ(positions_of(read_all_ok(5, 10)), (numbers{5, 6}));
  EXPECT_EQ(positions_of(read_all_ok(1, 1)), (numbers{1}));
  EXPECT_TRUE(read_all_ok(1, 0).empty());
}

TEST_F(JournalLog, ForEachVisitsInPositionOrder) {
  append_interleaved();
  numbers seen;
  auto r = events().for_each(3, [&](const recorded_event& e) {
    seen.push_back(e.position);
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(seen, (numbers{3, 4, 5, 6}));
}

TEST_F(JournalLog, ForEachStopsWhenVisitorReturnsFalse) {
  append_interleaved();
  numbers seen;
  auto r = events().for_each(1, [&](const recorded_event& e) {
    seen.push_back(e.position);
    return seen.size() < 3;
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(seen, (numbers{1, 2, 3}));
}

TEST_F(JournalLog, ForEachPastTheEndVisitsNothing) {
  append_interleaved();
  int visits = 0;
  auto r = events().for_each(7, [&](const recorded_event&) {
    ++visits;
    return true;
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(visits, 0);
}

TEST_F(JournalLog, LastPositionSurvivesReopen) {
  append_interleaved();
  reopen();
  EXPECT_EQ(events().last_position(), 6u);
  EXPECT_EQ(append_ok(make_request("d", expected_version::any(), {"d-1"})).first_position, 7u);
}

TEST_F(JournalLog, ReopeningKeepsEveryStreamAndTheLog) {
  append_interleaved();
  auto before = read_all_ok();
  reopen();
  EXPECT_EQ(read_all_ok(), before);
  EXPECT_EQ(highest_ok("a"), 3u);
  EXPECT_EQ(highest_ok("b"), 2u);
  EXPECT_EQ(highest_ok("c"), 1u);
  EXPECT_EQ(versions_of(read_ok("a")), (numbers{1, 2, 3}));
  auto next = append_ok(make_request("a", expected_version::exact(3), {"a-4"}));
  EXPECT_EQ(next.first_version, 4u);
}

TEST_F(JournalLog, AppendAsyncCallsBackExactlyOncePerRequest) {
  constexpr int requests = 500;
  std::vector<std::atomic<int>> calls(requests);
  std::vector<result<append_result>> results(requests, storage_failure(storage_errc::closed, ""));
  for (int i = 0; i < requests; ++i) {
    // Every fifth request expects a version its stream cannot have, so it fails.
    auto expected = i % 5 == 4 ? expected_version::exact(1'000'000) : expected_version::any();
    events().append_async(
        make_request("s" + std::to_string(i % 7), expected, {"e" + std::to_string(i)}),
        [&, i](result<append_result> r) {
          results[i] = std::move(r);
          ++calls[i];
        });
  }
  events().flush();
  int ok = 0;
  for (int i = 0; i < requests; ++i) {
    ASSERT_EQ(calls[i], 1) << "request " << i;
    if (i % 5 == 4) {
      ASSERT_FALSE(results[i]);
      EXPECT_EQ(results[i].error().code, storage_errc::wrong_expected_version);
    } else {
      ASSERT_TRUE(results[i]) << results[i].error().message;
      ++ok;
    }
  }
  EXPECT_EQ(events().last_position(), static_cast<std::uint64_t>(ok));
}

TEST_F(JournalLog, AppendAsyncRequestsQueuedAtCloseAreWrittenAndCalledBackOnce) {
  constexpr int requests = 200;
  std::vector<std::atomic<int>> calls(requests);
  std::atomic<int> ok{0};
  for (int i = 0; i < requests; ++i) {
    events().append_async(make_request("s", expected_version::any(), {std::to_string(i)}),
                          [&, i](result<append_result> r) {
                            ++calls[i];
                            if (r) ++ok;
                          });
  }
  close();  // drains the queue
  for (int i = 0; i < requests; ++i) EXPECT_EQ(calls[i], 1) << "request " << i;
  EXPECT_EQ(ok, requests);
  open();
  EXPECT_EQ(highest_ok("s"), static_cast<std::uint64_t>(requests));
}

TEST_F(JournalLog, CommitListenerReceivesEachBatchInPositionOrder) {
  std::mutex m;
  std::vector<std::vector<recorded_event>> calls;
  events().set_commit_listener([&](std::span<const recorded_event> batch) {
    std::lock_guard lock(m);
    calls.emplace_back(batch.begin(), batch.end());
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 50; ++i) {
        auto stream = "t" + std::to_string(t);
        auto r = events().append(make_request(stream, expected_version::any(), {"x", "y"}));
        EXPECT_TRUE(r);
        // Failures are not committed and must not reach the listener.
        EXPECT_FALSE(events().append(make_request(stream, expected_version::no_stream(), {"z"})));
      }
    });
  }
  for (auto& t : threads) t.join();
  auto all = read_all_ok();
  close();  // joins the writer thread: every listener call has returned
  std::vector<recorded_event> heard;
  for (const auto& batch : calls) {
    EXPECT_FALSE(batch.empty());
    for (std::size_t i = 1; i < batch.size(); ++i) {
      EXPECT_EQ(batch[i].position, batch[i - 1].position + 1);
    }
    heard.insert(heard.end(), batch.begin(), batch.end());
  }
  EXPECT_EQ(heard.size(), 400u);
  EXPECT_EQ(heard, all);
}

TEST_F(JournalLog, ReplacedCommitListenerIsNoLongerCalled) {
  std::atomic<int> first{0}, second{0};
  events().set_commit_listener([&](std::span<const recorded_event> b) { first += b.size(); });
  append_ok(make_request("s", expected_version::any(), {"1"}));
  events().flush();
  events().set_commit_listener([&](std::span<const recorded_event> b) { second += b.size(); });
  const int first_after_replacing = first;
  append_ok(make_request("s", expected_version::any(), {"2", "3"}));
  close();
  EXPECT_EQ(first, first_after_replacing);
  EXPECT_EQ(first + second, 3);
}

}  // namespace
}  // namespace ordo::persistence::testing
