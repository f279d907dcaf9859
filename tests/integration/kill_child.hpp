// Running a crash test's child process and killing it with SIGKILL: shared by the journal's and
// the runtime's crash tests.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace ordo::testing {

struct killed_child {
  std::string out;     // everything the child printed on stdout
  bool ready = false;  // it printed the ready line (always true without one)
};

// Starts `argv` (argv[0] is the executable) with its stdout on a pipe, waits up to `ready_timeout`
// for its output to start with `ready_line` (if any) and then for its first acknowledgement (the
// next line), and lets it run for `run_for` from there. Counting from the first acknowledgement
// keeps the kill in the middle of the work however slowly the child starts (a sanitizer build, a
// loaded machine). Then kills it with SIGKILL and returns what it printed. Adds a test failure when
// it cannot start, ends on its own (its stderr says why) or never prints the ready line.
inline killed_child run_and_kill(
    const std::vector<std::string>& argv, std::chrono::milliseconds run_for,
    std::string_view ready_line = {},
    std::chrono::milliseconds ready_timeout = std::chrono::seconds(30)) {
  using std::chrono::steady_clock;
  killed_child child{{}, ready_line.empty()};
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return child;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    ADD_FAILURE() << "cannot start " << argv[0];
    return child;
  }
  char buffer[4096];
  bool acknowledged = false;
  auto deadline = steady_clock::now() + ready_timeout;
  for (auto now = steady_clock::now(); now < deadline; now = steady_clock::now()) {
    pollfd p{fds[0], POLLIN, 0};
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    if (poll(&p, 1, static_cast<int>(wait) + 1) <= 0) continue;
    const auto n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // the child died early: its exit status tells why
    child.out.append(buffer, static_cast<std::size_t>(n));
    if (!child.ready && child.out.starts_with(std::string(ready_line) + "\n")) child.ready = true;
    const auto work_starts = ready_line.empty() ? 0 : ready_line.size() + 1;
    if (child.ready && !acknowledged && child.out.find('\n', work_starts) != std::string::npos) {
      acknowledged = true;
      deadline = steady_clock::now() + run_for;
    }
  }
  kill(pid, SIGKILL);
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(child.ready) << "the child did not print \"" << ready_line << "\" within "
                           << ready_timeout.count() << " ms";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended on its own (exit status " << WEXITSTATUS(status)
      << "): see its message on stderr";
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
    child.out.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  return child;
}

}  // namespace ordo::testing
