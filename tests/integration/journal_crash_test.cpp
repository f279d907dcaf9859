// Crash safety of the journal: a child process appends with sync_mode::always and is killed with
// SIGKILL at a random moment, over and over on the same directory. After every kill the database
// must hold every acknowledged event intact, contiguous streams, whole batches only, and a log
// that agrees with the streams.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "persistence/database.hpp"
#include "tests/integration/crash_event.hpp"
#include "tests/integration/kill_child.hpp"

namespace ordo::persistence::crash {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int rounds = 24;

struct acknowledged_batch {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

class JournalCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    seed_ = rd();
    rng_.seed(seed_);
    dir_ = std::filesystem::temp_directory_path() /
           ("ordo-crash-" + std::to_string(getpid()) + "-" + std::to_string(seed_));
    std::filesystem::remove_all(dir_);
    RecordProperty("seed", std::to_string(seed_));
  }

  void TearDown() override {
    if (HasFailure()) {
      std::fprintf(stderr, "crash test kept its directory for inspection: %s (seed %u)\n",
                   dir_.c_str(), seed_);
    } else {
      std::filesystem::remove_all(dir_);
    }
  }

  // Records the child's "stream first last" lines as acknowledged batches.
  void record_acknowledged(const std::string& out) {
    ASSERT_TRUE(out.empty() || out.back() == '\n') << "a report line was torn: " << out;
    std::istringstream lines(out);
    std::string stream;
    acknowledged_batch batch;
    while (lines >> stream >> batch.first >> batch.last) {
      ASSERT_LE(batch.first, batch.last);
      acknowledged_[stream].push_back(batch);
      ++acknowledged_count_;
    }
    ASSERT_TRUE(lines.eof()) << "unreadable report from the child";
  }

  // Checks one stream's events and returns them; the stream's batches must be whole.
  std::vector<recorded_event> verify_stream(database& db, const std::string& stream) {
    auto highest = db.events().highest_version(stream);
    EXPECT_TRUE(highest) << highest.error().message;
    auto read = db.events().read(stream);
    EXPECT_TRUE(read) << stream << ": " << read.error().message;
    if (!highest || !read) return {};
    auto& events = *read;
    EXPECT_EQ(events.size(), *highest) << stream << ": versions are not contiguous from 1";

    std::uint32_t expected_index = 0, batch_size = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      SCOPED_TRACE(stream + " v" + std::to_string(i + 1));
      EXPECT_EQ(e.stream, stream);
      EXPECT_EQ(e.version, i + 1);
      EXPECT_EQ(e.type, event_type);
      EXPECT_EQ(e.command_id, stream + "/" + std::to_string(e.version));
      auto tag = decode(e.data);
      EXPECT_TRUE(tag) << "damaged payload: " << e.data.substr(0, 80);
      if (!tag) return {};
      EXPECT_EQ(tag->stream, stream);
      EXPECT_EQ(tag->version, e.version);
      if (expected_index == 0) batch_size = tag->batch_size;  // a batch starts here
      EXPECT_EQ(tag->index, expected_index) << "a batch was cut or interleaved";
      EXPECT_EQ(tag->batch_size, batch_size);
      EXPECT_GE(batch_size, 1u);
      expected_index = (tag->index + 1) % batch_size;

      // Whatever an earlier check saw has to stay exactly as it was.
      const auto [seen, fresh] = seen_.try_emplace({stream, e.version}, *tag);
      if (!fresh) {
        EXPECT_EQ(seen->second, *tag) << "an event changed after it was read";
      }
    }
    EXPECT_EQ(expected_index, 0u) << stream << ": the last batch is partial";

    // Durability: every acknowledged batch is there, whole, where the child was told it went.
    for (const auto& batch : acknowledged_[stream]) {
      if (batch.first == 0 || batch.last > events.size()) {
        ADD_FAILURE() << stream << ": acknowledged v" << batch.first << ".." << batch.last
                      << " is lost";
        return {};
      }
      const auto tag = decode(events[batch.first - 1].data);
      EXPECT_EQ(tag->index, 0u) << stream << ": acknowledged v" << batch.first
                                << " starts no batch";
      EXPECT_EQ(tag->batch_size, batch.last - batch.first + 1);
    }
    auto& highest_seen = highest_seen_[stream];
    EXPECT_GE(events.size(), highest_seen)
        << stream << ": events seen after an earlier kill are lost";
    highest_seen = std::max<std::uint64_t>(highest_seen, events.size());

    // The kv write of each batch committed with it.
    auto progress = db.kv().get(progress_key(stream));
    EXPECT_TRUE(progress) << progress.error().message;
    if (progress) {
      if (events.empty()) {
        EXPECT_EQ(*progress, std::nullopt);
      } else {
        EXPECT_EQ(*progress, std::to_string(events.size())) << stream << ": kv and events differ";
      }
    }
    return events;
  }

  void verify_database() {
    auto opened = database::open({.path = dir_.string(), .sync = sync_mode::none});
    ASSERT_TRUE(opened) << "reopen after the kill: " << opened.error().message;
    auto& db = **opened;

    std::map<std::pair<std::string, std::uint64_t>, recorded_event> by_stream;
    for (int i = 0; i < stream_count; ++i) {
      const auto stream = stream_name(i);
      for (auto& e : verify_stream(db, stream)) by_stream.emplace(std::pair(stream, e.version), e);
      if (::testing::Test::HasFatalFailure()) return;
    }

    auto all = db.events().read_all(1);
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), by_stream.size()) << "the log and the streams disagree";
    for (std::size_t i = 0; i < all->size(); ++i) {
      const auto& e = (*all)[i];
      ASSERT_EQ(e.position, i + 1) << "positions are not contiguous";
      const auto found = by_stream.find({e.stream, e.version});
      ASSERT_NE(found, by_stream.end()) << "the log holds an event its stream lacks";
      EXPECT_EQ(found->second, e) << "position " << e.position;
    }
    EXPECT_EQ(db.events().last_position(), all->size());
  }

  unsigned seed_ = 0;
  std::mt19937 rng_;
  std::filesystem::path dir_;
  std::map<std::string, std::vector<acknowledged_batch>> acknowledged_;
  std::size_t acknowledged_count_ = 0;
  std::map<std::pair<std::string, std::uint64_t>, event_tag> seen_;
  std::map<std::string, std::uint64_t> highest_seen_;
};

TEST_F(JournalCrash, AcknowledgedAppendsSurviveSigkillAndNoPartialBatchIsVisible) {
  std::uniform_int_distribution<int> run_ms(50, 400);
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + ", seed " + std::to_string(seed_));
    const auto out = ordo::testing::run_and_kill({ORDO_CRASH_CHILD_PATH, dir_.string()},
                                                 milliseconds(run_ms(rng_)))
                         .out;
    ASSERT_FALSE(HasFailure());
    record_acknowledged(out);
    verify_database();
    ASSERT_FALSE(HasFailure());
  }
  // Guards against a vacuous pass: the child must have got appends through.
  EXPECT_GT(acknowledged_count_, 0u);
  RecordProperty("acknowledged_appends", std::to_string(acknowledged_count_));
}

}  // namespace
}  // namespace ordo::persistence::crash
