#include "node_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <stdexcept>

extern char** environ;

namespace ordo::e2e {

namespace {

struct spawned {
  pid_t pid = -1;
  int out = -1;
  int err = -1;  // -1: inherited
};

// Starts ordo with its stdout (and, if asked, stderr) on pipes.
spawned spawn_ordo(const std::vector<std::string>& args, const std::vector<std::string>& env,
                   bool capture_stderr, const std::vector<std::string>& command_prefix = {}) {
  std::vector<std::string> argv_text(command_prefix);
  argv_text.emplace_back(ORDO_BINARY);
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The test's own variables replace the inherited ones of the same name (ASAN_OPTIONS, ...).
  auto given = [&env](std::string_view entry) {
    auto name = entry.substr(0, entry.find('=') + 1);
    for (const auto& e : env)
      if (std::string_view(e).starts_with(name)) return true;
    return false;
  };
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e)
    if (!std::string_view(*e).starts_with("ORDO_") && !given(*e)) env_text.emplace_back(*e);
  env_text.insert(env_text.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out[2];
  int err[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || (capture_stderr && pipe2(err, O_CLOEXEC) != 0))
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (capture_stderr) posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  spawned child;
  // A prefix command is looked up on PATH like a shell would.
  auto spawn = command_prefix.empty() ? posix_spawn : posix_spawnp;
  if (spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0)
    throw std::runtime_error("cannot start " + argv_text.front());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (capture_stderr) close(err[1]);
  child.out = out[0];
  child.err = err[0];
  return child;
}

std::string read_all(int fd) {
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return text;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

}  // namespace

std::filesystem::path fresh_data_dir(const std::string& tag) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("ordo-e2e-" + tag + "-" + std::to_string(rd()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir;
}

run_result run_ordo(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  auto child = spawn_ordo(args, env, true);
  run_result result;
  // Small outputs: reading one pipe to its end cannot block the other for long.
  result.out = read_all(child.out);
  result.err = read_all(child.err);
  int status = 0;
  waitpid(child.pid, &status, 0);
  result.exit_code = exit_code_of(status);
  return result;
}

node_process::node_process(const std::filesystem::path& data_dir,
                           std::vector<std::string> extra_args, std::vector<std::string> env,
                           std::vector<std::string> command_prefix) {
  std::vector<std::string> args{"serve", "--port", "0", "--data", data_dir.string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto child = spawn_ordo(args, env, false, command_prefix);
  pid_ = child.pid;
  stdout_fd_ = child.out;

  std::string seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const std::string marker = "ordo: serving ";
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[256];
    auto n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;  // exited
    seen.append(buf, static_cast<std::size_t>(n));
    auto at = seen.find(marker);
    auto end = at == std::string::npos ? std::string::npos : seen.find('\n', at);
    if (end == std::string::npos) continue;
    // "ordo: serving http://HOST:PORT (data DIR)": the port follows the host's last colon.
    auto line = seen.substr(at, end - at);
    auto host_end = line.find(' ', marker.size());
    auto colon = line.rfind(':', host_end);
    port_ = std::stoi(line.substr(colon + 1, host_end - colon - 1));
    auto host_start = line.find("://") + 3;
    host_ = line.substr(host_start, colon - host_start);
    tls_ = line.find("https://") != std::string::npos;
    return;
  }
  kill_hard();
  throw std::runtime_error("ordo did not start; its stdout: " + seen);
}

node_process::~node_process() {
  if (pid_ > 0) kill_hard();
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

int node_process::wait_for_exit() {
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return exit_code_of(status);
}

int node_process::stop() {
  kill(pid_, SIGTERM);
  return wait_for_exit();
}

void node_process::kill_hard() {
  kill(pid_, SIGKILL);
  wait_for_exit();
}

std::string raw_exchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    // The server may answer before it has read everything: a failed send is part of the test.
    (void)send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 1000) <= 0) break;
      char buf[4096];
      auto n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      answer.append(buf, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  return answer;
}

api_client::api_client(int port, std::string token, int read_timeout_s)
    : api_client("127.0.0.1", port, std::move(token), read_timeout_s) {}

api_client::api_client(const std::string& host, int port, std::string token, int read_timeout_s)
    : client_(host, port), token_(std::move(token)) {
  client_.set_connection_timeout(5);
  client_.set_read_timeout(read_timeout_s);
  client_.set_keep_alive(true);
  client_.set_tcp_nodelay(true);  // a POST goes out in two writes: no Nagle wait between them
}

response api_client::call(const std::string& method, const std::string& path,
                          const std::string& body, httplib::Headers headers) {
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.headers = std::move(headers);
  if (!token_.empty() && !req.has_header("Authorization"))
    req.headers.emplace("Authorization", "Bearer " + token_);
  // POST and DELETE need the JSON media type also without a body (docs/API.md, CSRF).
  if ((!body.empty() || method == "POST" || method == "DELETE") && !req.has_header("Content-Type"))
    req.headers.emplace("Content-Type", "application/json");
  req.body = body;
  auto result = client_.send(req);
  response r;
  if (!result) return r;
  r.status = result->status;
  r.headers = result->headers;
  r.body = result->body;
  return r;
}

}  // namespace ordo::e2e
