// A node whose disk syncs can be made slow while it runs: the `ordo` child gets the slow_sync
// shim (tests/e2e/shim/slow_sync.cpp) through LD_PRELOAD, and the test decides when its fsyncs
// take long. It is how a test holds a command in flight for seconds, the way a real slow or
// overloaded disk does.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ordo::e2e {

class slow_disk {
 public:
  // The control file lives in `scratch_dir` (not the node's data dir: the node never sees it).
  explicit slow_disk(const std::filesystem::path& scratch_dir)
      : control_(scratch_dir / "slow-sync-ms") {
    std::filesystem::create_directories(scratch_dir);
    restore();
  }
  ~slow_disk() { restore(); }
  slow_disk(const slow_disk&) = delete;
  slow_disk& operator=(const slow_disk&) = delete;

  // What node_process needs in its environment. The shim comes before the sanitizer runtimes of
  // a sanitizer build, which ASan refuses unless told that this order is intended.
  std::vector<std::string> env() const {
    std::string asan = std::getenv("ASAN_OPTIONS") ? std::getenv("ASAN_OPTIONS") : "";
    return {std::string("LD_PRELOAD=") + ORDO_SLOW_SYNC_SHIM,
            "SLOW_SYNC_CONTROL_FILE=" + control_.string(),
            "ASAN_OPTIONS=" + asan + (asan.empty() ? "" : ":") + "verify_asan_link_order=0"};
  }

  // Every fsync from now on first waits `delay`.
  void slow_down(std::chrono::milliseconds delay) {
    auto written = control_;
    written += ".new";
    std::ofstream(written) << delay.count();
    std::filesystem::rename(written, control_);  // the shim never reads half a number
  }
  void restore() { std::filesystem::remove(control_); }

 private:
  std::filesystem::path control_;
};

}  // namespace ordo::e2e
