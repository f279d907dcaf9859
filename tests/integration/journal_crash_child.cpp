// The process the crash test kills: appends batches of tagged events with sync_mode::always from
// several threads until SIGKILL, and reports each acknowledged append on stdout as one line
// "stream first_version last_version". Usage: ordo_journal_crash_child <data directory>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "persistence/database.hpp"
#include "tests/integration/crash_event.hpp"

namespace {

using namespace ordo::persistence;

constexpr int thread_count = 4;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "crash child: %s\n", why.c_str());
  std::_Exit(3);
}

// One write(2) per line: a pipe write of under PIPE_BUF bytes is atomic, so a kill never leaves
// half a line, and nothing sits in a stdio buffer when the kill comes.
void report(const std::string& stream, std::uint64_t first, std::uint64_t last) {
  const auto line = stream + " " + std::to_string(first) + " " + std::to_string(last) + "\n";
  if (write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    die("cannot report to the parent");
  }
}

// Appends to the streams i with i % thread_count == thread, so versions never conflict: any
// wrong_expected_version means the journal lost or invented events.
void append_forever(journal& events, int thread) {
  std::vector<std::string> streams;
  std::vector<std::uint64_t> versions;
  for (int i = thread; i < crash::stream_count; i += thread_count) {
    streams.push_back(crash::stream_name(i));
    auto highest = events.highest_version(streams.back());
    if (!highest) die("highest_version: " + highest.error().message);
    versions.push_back(*highest);  // continue where the stream is
  }
  std::mt19937_64 rng(std::random_device{}() ^ (static_cast<std::uint64_t>(getpid()) << 8) ^
                      static_cast<std::uint64_t>(thread));
  std::uniform_int_distribution<std::size_t> pick_stream(0, streams.size() - 1);
  std::uniform_int_distribution<std::uint32_t> pick_size(1, crash::max_batch_size);
  while (true) {
    const auto s = pick_stream(rng);
    const auto size = pick_size(rng);
    append_request request{.stream = streams[s], .expected = expected_version::exact(versions[s])};
    for (std::uint32_t i = 0; i < size; ++i) {
      const crash::event_tag tag{streams[s], versions[s] + 1 + i, size, i};
      event_data e;
      e.type = crash::event_type;
      e.command_id = streams[s] + "/" + std::to_string(tag.version);
      e.data = crash::encode(tag);
      request.events.push_back(std::move(e));
    }
    request.kv_writes = {{crash::progress_key(streams[s]), std::to_string(versions[s] + size)}};
    auto r = events.append(std::move(request));
    if (!r) die("append to " + streams[s] + ": " + r.error().message);
    if (r->first_version != versions[s] + 1 || r->last_version != versions[s] + size) {
      die("append to " + streams[s] + " landed at unexpected versions");
    }
    versions[s] = r->last_version;
    report(streams[s], r->first_version, r->last_version);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <data directory>\n", argv[0]);
    return 2;
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
  auto opened = database::open({.path = argv[1], .sync = sync_mode::always});
  if (!opened) die("open: " + opened.error().message);
  auto& events = (*opened)->events();
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) threads.emplace_back(append_forever, std::ref(events), t);
  for (auto& t : threads) t.join();  // never: the parent kills the process
  return 0;
}
