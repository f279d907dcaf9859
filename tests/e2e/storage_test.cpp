// A node on a full disk: commands answer 503 storage_unavailable, reads keep working, /readyz
// says why, and the node writes again by itself once space returns. The data directory is a
// small tmpfs, which needs root (CI runs as root); elsewhere the test is skipped with the reason.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

#include "node_process.hpp"

namespace ordo::e2e {
namespace {

namespace fs = std::filesystem;

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    mount_ = fresh_data_dir("tmpfs");
    fs::create_directories(mount_);
    if (::mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=16m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs on " << mount_ << ": " << std::strerror(errno);
    mounted_ = true;
    dir_ = mount_ / "data";
  }
  void TearDown() override {
    if (mounted_) ::umount2(mount_.c_str(), MNT_DETACH);
    fs::remove_all(mount_);
  }

  // Fills what is left of the tmpfs with one file.
  void fill() {
    std::ofstream filler(mount_ / "filler", std::ios::binary);
    std::vector<char> chunk(64 << 10, 'x');
    while (filler.write(chunk.data(), static_cast<std::streamsize>(chunk.size())) &&
           filler.flush()) {
    }
  }
  void free_space() { fs::remove(mount_ / "filler"); }

  fs::path mount_, dir_;
  bool mounted_ = false;
};

TEST_F(DiskFull, CommandsAnswer503ReadsWorkAndTheNodeRecoversWhenSpaceReturns) {
  node_process node(dir_);
  api_client api(node.port());
  ASSERT_EQ(api.post("/v1/orders", {{"customer_id", "c1"}, {"order_id", "o1"}}).status, 201);
  fill();

  // The first failing write may come from any of the node's writers; keep sending until the
  // journal refuses one (each answer must be a clean one either way).
  response refused;
  for (int i = 0; i < 50; ++i) {
    refused =
        api.post("/v1/orders/o1/items",
                 {{"sku", "sku-" + std::to_string(i)}, {"quantity", 1}, {"unit_price_cents", 100}});
    if (refused.status != 201 && refused.status != 200) break;
  }
  ASSERT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json()["code"], "storage_unavailable") << refused.body;
  EXPECT_EQ(refused.header("Content-Type"), "application/problem+json");
  EXPECT_FALSE(refused.header("Retry-After").empty());

  auto ready = api.get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(ready.json()["code"], "storage_unavailable") << ready.body;
  EXPECT_NE(ready.json()["detail"].get<std::string>().find("journal"), std::string::npos);
  EXPECT_EQ(api.get("/healthz").status, 200);
  auto read = api.get("/v1/orders/o1");
  EXPECT_EQ(read.status, 200) << read.body;
  auto again = api.post("/v1/orders", {{"customer_id", "c1"}, {"order_id", "o2"}});
  EXPECT_EQ(again.status, 503) << again.body;

  free_space();
  // The journal's writer resumes the database by itself: no request, no restart.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (api.get("/readyz").status != 200 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(api.get("/readyz").status, 200);
  EXPECT_EQ(api.post("/v1/orders", {{"customer_id", "c1"}, {"order_id", "o3"}}).status, 201);
  auto added = api.post("/v1/orders/o1/items",
                        {{"sku", "sku-after"}, {"quantity", 1}, {"unit_price_cents", 100}});
  EXPECT_EQ(added.status, 200) << added.body;

  // Everything acknowledged is there after a restart, and the WAL opens cleanly.
  EXPECT_EQ(node.stop(), 0);
  node_process restarted(dir_);
  api_client after(restarted.port());
  EXPECT_EQ(after.get("/v1/orders/o3").status, 200);
  auto o1 = after.get("/v1/orders/o1");
  ASSERT_EQ(o1.status, 200);
  EXPECT_NE(o1.body.find("sku-after"), std::string::npos) << o1.body;
}

}  // namespace
}  // namespace ordo::e2e
