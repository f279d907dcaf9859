// A disk whose syncs are slow, for e2e tests (LD_PRELOAD into an `ordo` child): while the file
// named by SLOW_SYNC_CONTROL_FILE exists, every fsync and fdatasync first sleeps for the number of
// milliseconds it holds. The test creates and removes the file while the node runs, so start-up
// and shutdown are not slowed. Plain C library calls only: it runs inside RocksDB's writer.
#include <dlfcn.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>

namespace {

long delay_ms() {
  const char* path = std::getenv("SLOW_SYNC_CONTROL_FILE");
  if (path == nullptr) return 0;
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[32] = {};
  auto n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  return n > 0 ? std::strtol(text, nullptr, 10) : 0;
}

void wait_like_a_slow_disk() {
  long ms = delay_ms();
  if (ms <= 0) return;
  timespec left{ms / 1000, (ms % 1000) * 1'000'000};
  while (::nanosleep(&left, &left) != 0) {
  }
}

template <class F>
F next(const char* name) {
  return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" int fsync(int fd) {
  static auto real = next<int (*)(int)>("fsync");
  wait_like_a_slow_disk();
  return real(fd);
}

extern "C" int fdatasync(int fd) {
  static auto real = next<int (*)(int)>("fdatasync");
  wait_like_a_slow_disk();
  return real(fd);
}
