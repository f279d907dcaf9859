// Appending: expected-version checks, atomic batches, kv writes that ride along, invalid stream
// ids, and injected write faults. A failed append must leave no trace.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "tests/unit/persistence/database_fixture.hpp"

namespace ordo::persistence::testing {
namespace {

using versions = std::vector<std::uint64_t>;

class JournalAppend : public database_test {
 protected:
  // Fails the test unless `r` is a wrong_expected_version error naming `actual`.
  static void expect_wrong_version(const result<append_result>& r, std::uint64_t actual) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, storage_errc::wrong_expected_version) << r.error().message;
    EXPECT_EQ(r.error().actual_version, actual);
  }

  std::optional<std::string> kv_get(const std::string& key) {
    auto r = db().kv().get(key);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::nullopt;
  }

  // Read by the write fault; a member so that it outlives the journal's writer thread.
  std::atomic<bool> failing_{false};
};

TEST_F(JournalAppend, AtomicBatchOfSeveralEventsHasContiguousVersionsAndPositions) {
  append_ok(make_request("other", expected_version::any(), {"o-1"}));
  auto r = append_ok(
      make_request("order-1", expected_version::no_stream(), {"a-1", "a-2", "a-3", "a-4", "a-5"}));
  EXPECT_EQ(r,
            (append_result{
                .first_version = 1, .last_version = 5, .first_position = 2, .last_position = 6}));
  auto events = read_ok("order-1");
  EXPECT_EQ(versions_of(events), (versions{1, 2, 3, 4, 5}));
  EXPECT_EQ(positions_of(events), (versions{2, 3, 4, 5, 6}));
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].data, "a-" + std::to_string(i + 1));
  }
}

TEST_F(JournalAppend, AtomicBatchReachesTheCommitListenerInOneCall) {
  std::vector<std::vector<recorded_event>> calls;
  events().set_commit_listener([&](std::span<const recorded_event> batch) {
    calls.emplace_back(batch.begin(), batch.end());
  });
  append_ok(make_request("order-1", expected_version::any(), {"a-1", "a-2", "a-3"}));
  close();  // joins the writer thread: every listener call has returned
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(versions_of(calls[0]), (versions{1, 2, 3}));
}

TEST_F(JournalAppend, AnyAppendsToNewAndExistingStreams) {
  EXPECT_EQ(append_ok(make_request("s", expected_version::any(), {"1"})).last_version, 1u);
  EXPECT_EQ(append_ok(make_request("s", expected_version::any(), {"2", "3"})).last_version, 3u);
  EXPECT_EQ(versions_of(read_ok("s")), (versions{1, 2, 3}));
}

TEST_F(JournalAppend, NoStreamSucceedsOnNewStream) {
  auto r = append_ok(make_request("s", expected_version::no_stream(), {"1"}));
  EXPECT_EQ(r.first_version, 1u);
}

TEST_F(JournalAppend, NoStreamFailsOnceStreamExists) {
  append_ok(make_request("s", expected_version::no_stream(), {"1", "2"}));
  expect_wrong_version(events().append(make_request("s", expected_version::no_stream(), {"3"})), 2);
  EXPECT_EQ(versions_of(read_ok("s")), (versions{1, 2}));
}

TEST_F(JournalAppend, ExistsFailsOnUnknownStream) {
  expect_wrong_version(events().append(make_request("s", expected_version::exists(), {"1"})), 0);
  EXPECT_EQ(highest_ok("s"), 0u);
  EXPECT_EQ(events().last_position(), 0u);
}

TEST_F(JournalAppend, ExistsSucceedsOnExistingStream) {
  append_ok(make_request("s", expected_version::any(), {"1"}));
  EXPECT_EQ(append_ok(make_request("s", expected_version::exists(), {"2"})).first_version, 2u);
}

TEST_F(JournalAppend, ExactZeroSucceedsOnNewStream) {
  EXPECT_EQ(append_ok(make_request("s", expected_version::exact(0), {"1"})).last_version, 1u);
}

TEST_F(JournalAppend, ExactCurrentVersionSucceeds) {
  append_ok(make_request("s", expected_version::any(), {"1", "2"}));
  auto r = append_ok(make_request("s", expected_version::exact(2), {"3"}));
  EXPECT_EQ(r.first_version, 3u);
  EXPECT_EQ(r.last_version, 3u);
}

TEST_F(JournalAppend, ExactWrongVersionFailsWithActualVersion) {
  append_ok(make_request("s", expected_version::any(), {"1", "2"}));
  expect_wrong_version(events().append(make_request("s", expected_version::exact(1), {"x"})), 2);
  expect_wrong_version(events().append(make_request("s", expected_version::exact(3), {"x"})), 2);
  expect_wrong_version(events().append(make_request("t", expected_version::exact(1), {"x"})), 0);
  EXPECT_EQ(versions_of(read_ok("s")), (versions{1, 2}));
  EXPECT_EQ(events().last_position(), 2u);
}

TEST_F(JournalAppend, FailedAppendWritesNothingIncludingItsKvWrites) {
  append_ok(make_request("s", expected_version::any(), {"1"}));
  ASSERT_TRUE(db().kv().put("existing", "before"));
  auto request = make_request("s", expected_version::exact(0), {"2", "3"});
  request.kv_writes = {{"checkpoint", "written"}, {"existing", std::nullopt}};
  expect_wrong_version(events().append(std::move(request)), 1);
  EXPECT_EQ(versions_of(read_ok("s")), (versions{1}));
  EXPECT_EQ(events().last_position(), 1u);
  EXPECT_EQ(kv_get("checkpoint"), std::nullopt);
  EXPECT_EQ(kv_get("existing"), "before");
}

TEST_F(JournalAppend, KvWritesOfSuccessfulAppendAreVisible) {
  ASSERT_TRUE(db().kv().put("deadline/1", "due"));
  auto request = make_request("s", expected_version::no_stream(), {"1"});
  request.kv_writes = {{"checkpoint", "1"}, {"deadline/1", std::nullopt}};
  append_ok(std::move(request));
  EXPECT_EQ(kv_get("checkpoint"), "1");
  EXPECT_EQ(kv_get("deadline/1"), std::nullopt);
}

TEST_F(JournalAppend, AppendWithoutEventsChecksVersionAndWritesKv) {
  append_ok(make_request("s", expected_version::any(), {"1", "2"}));
  append_request request{.stream = "s", .expected = expected_version::exact(2)};
  request.kv_writes = {{"checkpoint", "2"}};
  auto r = append_ok(std::move(request));
  EXPECT_EQ(r.first_version, 0u);
  EXPECT_EQ(r.last_version, 2u);
  EXPECT_EQ(kv_get("checkpoint"), "2");
  EXPECT_EQ(events().last_position(), 2u);

  append_request stale{.stream = "s", .expected = expected_version::exact(1)};
  stale.kv_writes = {{"checkpoint", "stale"}};
  expect_wrong_version(events().append(std::move(stale)), 2);
  EXPECT_EQ(kv_get("checkpoint"), "2");
}

TEST_F(JournalAppend, EmptyStreamIdIsInvalidArgument) {
  auto r = events().append(make_request("", expected_version::any(), {"1"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, storage_errc::invalid_argument);
  EXPECT_EQ(events().last_position(), 0u);
}

TEST_F(JournalAppend, StreamIdWithNulIsInvalidArgument) {
  auto r = events().append(make_request(std::string("a\0b", 3), expected_version::any(), {"1"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, storage_errc::invalid_argument);
  EXPECT_EQ(highest_ok("a"), 0u);
  EXPECT_EQ(events().last_position(), 0u);
}

TEST_F(JournalAppend, StreamIdLongerThan255BytesIsInvalidArgument) {
  auto r = events().append(make_request(std::string(256, 's'), expected_version::any(), {"1"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, storage_errc::invalid_argument);
  EXPECT_EQ(events().last_position(), 0u);
}

TEST_F(JournalAppend, StreamIdOf255BytesIsAccepted) {
  const std::string stream(255, 's');
  append_ok(make_request(stream, expected_version::no_stream(), {"1"}));
  EXPECT_EQ(read_ok(stream).at(0).stream, stream);
}

TEST_F(JournalAppend, InvalidRequestFailsAloneInItsBatch) {
  // Queued together, the invalid request must not take the valid ones down with it.
  std::atomic<int> ok{0}, invalid{0};
  auto count = [&](result<append_result> r) {
    if (r)
      ++ok;
    else if (r.error().code == storage_errc::invalid_argument)
      ++invalid;
  };
  events().append_async(make_request("a", expected_version::any(), {"1"}), count);
  events().append_async(make_request("", expected_version::any(), {"1"}), count);
  events().append_async(make_request("b", expected_version::any(), {"1"}), count);
  events().flush();
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(invalid, 1);
  EXPECT_EQ(highest_ok("a"), 1u);
  EXPECT_EQ(highest_ok("b"), 1u);
}

TEST_F(JournalAppend, WriteFaultFailsWithIoErrorAndLeavesNothingVisible) {
  append_ok(make_request("s", expected_version::any(), {"1"}));
  failing_ = true;
  events().set_write_fault([this] { return failing_.load(); });
  auto request = make_request("s", expected_version::exact(1), {"2", "3"});
  request.kv_writes = {{"checkpoint", "3"}};
  auto r = events().append(std::move(request));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, storage_errc::io_error);
  EXPECT_EQ(versions_of(read_ok("s")), (versions{1}));
  EXPECT_EQ(highest_ok("s"), 1u);
  EXPECT_EQ(events().last_position(), 1u);
  EXPECT_EQ(read_all_ok().size(), 1u);
  EXPECT_EQ(kv_get("checkpoint"), std::nullopt);
}

TEST_F(JournalAppend, AfterWriteFaultClearsAppendsContinueWithoutGap) {
  append_ok(make_request("s", expected_version::any(), {"1"}));
  failing_ = true;
  events().set_write_fault([this] { return failing_.load(); });
  for (int i = 0; i < 3; ++i) {
    auto r = events().append(make_request("s", expected_version::exact(1), {"lost"}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, storage_errc::io_error);
  }
  failing_ = false;
  auto r = append_ok(make_request("s", expected_version::exact(1), {"2"}));
  EXPECT_EQ(r.first_version, 2u);
  EXPECT_EQ(r.first_position, 2u);
  auto all = read_all_ok();
  EXPECT_EQ(positions_of(all), (versions{1, 2}));
  EXPECT_EQ(all.at(1).data, "2");
  reopen();
  EXPECT_EQ(events().last_position(), 2u);
  EXPECT_EQ(versions_of(read_ok("s")), (versions{1, 2}));
}

TEST_F(JournalAppend, WriteFaultFailsEveryQueuedRequestExactlyOnce) {
  failing_ = true;
  events().set_write_fault([this] { return failing_.load(); });
  constexpr int requests = 50;
  std::vector<std::atomic<int>> calls(requests);
  std::atomic<int> io_errors{0};
  for (int i = 0; i < requests; ++i) {
    events().append_async(make_request("s" + std::to_string(i % 5), expected_version::any(), {"x"}),
                          [&, i](result<append_result> r) {
                            ++calls[i];
                            if (!r && r.error().code == storage_errc::io_error) ++io_errors;
                          });
  }
  events().flush();
  for (int i = 0; i < requests; ++i) EXPECT_EQ(calls[i], 1) << "request " << i;
  EXPECT_EQ(io_errors, requests);
  EXPECT_EQ(events().last_position(), 0u);
}

TEST_F(JournalAppend, SyncModeIsTheConfiguredOne) {
  EXPECT_EQ(events().sync(), sync_mode::none);
  sync_ = sync_mode::always;
  reopen();
  EXPECT_EQ(events().sync(), sync_mode::always);
  EXPECT_EQ(append_ok(make_request("s", expected_version::any(), {"1"})).last_version, 1u);
}

}  // namespace
}  // namespace ordo::persistence::testing
