// Power loss: what kill -9 cannot show. Appends run through power_loss_fs, the power is cut, the
// bytes no sync made durable are dropped, and the database is opened again as after a reboot.
// With journal.sync=always every acknowledged append is there; with sync=none (and with the WAL
// sync deleted from the journal writer) acknowledged appends are lost, which the second test
// pins down, so that the first cannot pass by not simulating anything.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "database_fixture.hpp"
#include "power_loss_fs.hpp"

namespace ordo::persistence::testing {
namespace {

constexpr int writers = 4;
constexpr int appends_per_writer = 40;

struct acknowledged {
  std::string stream;
  std::uint64_t version = 0;
  std::string data;
};

class power_loss_test : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Concurrent appends (so that group commit batches them) until each writer is done, then the
  // power cut while the database is still open; returns what was acknowledged.
  std::vector<acknowledged> append_then_cut_power(sync_mode sync) {
    auto power = std::make_shared<power_loss_fs>();
    std::vector<std::vector<acknowledged>> acked(writers);
    {
      auto db = database::open({.path = dir_.string(), .sync = sync, .file_system = power});
      EXPECT_TRUE(db) << db.error().message;
      if (!db) return {};
      std::vector<std::thread> threads;
      for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
          auto stream = "power-" + std::to_string(w);
          for (int i = 0; i < appends_per_writer; ++i) {
            auto data = "event " + std::to_string(i) + " of " + stream;
            auto done =
                (*db)->events().append(make_request(stream, expected_version::any(), {data}));
            if (done) acked[w].push_back({stream, done->last_version, data});
          }
        });
      }
      for (auto& t : threads) t.join();
      power->cut_power();
    }  // closing writes nothing more: the power is out
    auto lost = power->lose_unsynced();
    std::printf("power cut: %llu files truncated (%llu bytes), %llu never-synced files gone\n",
                static_cast<unsigned long long>(lost.truncated_files),
                static_cast<unsigned long long>(lost.lost_bytes),
                static_cast<unsigned long long>(lost.deleted_files));
    std::vector<acknowledged> all;
    for (auto& a : acked) all.insert(all.end(), a.begin(), a.end());
    return all;
  }

  // The acknowledged appends missing after a reboot (the database opened without the wrapper).
  std::vector<acknowledged> missing_after_reboot(const std::vector<acknowledged>& acked) {
    auto db = database::open({.path = dir_.string(), .sync = sync_mode::always});
    EXPECT_TRUE(db) << db.error().message;
    if (!db) return acked;
    std::vector<acknowledged> missing;
    for (auto& a : acked) {
      auto read = (*db)->events().read(a.stream, a.version, a.version, 1);
      if (!read || read->size() != 1 || (*read)[0].data != a.data) missing.push_back(a);
    }
    return missing;
  }

  std::filesystem::path dir_ = fresh_temp_dir("power-loss");
};

TEST_F(power_loss_test, EveryAcknowledgedAppendSurvivesWithSyncAlways) {
  auto acked = append_then_cut_power(sync_mode::always);
  ASSERT_EQ(acked.size(), static_cast<std::size_t>(writers * appends_per_writer));
  auto missing = missing_after_reboot(acked);
  EXPECT_TRUE(missing.empty()) << missing.size() << " acknowledged appends lost, the first "
                               << missing.front().stream << " version " << missing.front().version;
}

// The harness has teeth: without WAL syncs the same run loses acknowledged appends.
TEST_F(power_loss_test, AcknowledgedAppendsAreLostWithSyncNone) {
  auto acked = append_then_cut_power(sync_mode::none);
  ASSERT_EQ(acked.size(), static_cast<std::size_t>(writers * appends_per_writer));
  EXPECT_FALSE(missing_after_reboot(acked).empty());
}

}  // namespace
}  // namespace ordo::persistence::testing
