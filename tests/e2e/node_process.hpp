// The real `ordo` binary as a child process, and an HTTP client for it: e2e tests start a node
// with `serve --port 0` on a temp data dir, read the port from its start line, and speak HTTP.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ordo::e2e {

std::filesystem::path fresh_data_dir(const std::string& tag);

// What a finished `ordo` run said and returned.
struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `ordo args...` to its end (for commands that exit by themselves) with `env` added to the
// environment ("NAME=value", replacing an inherited variable of that name).
run_result run_ordo(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// Sends `request` as raw bytes to 127.0.0.1:port and returns what comes back until the server
// closes the connection or a second passes in silence.
std::string raw_exchange(int port, const std::string& request);

class node_process {
 public:
  // Starts `ordo serve --port 0 --data <data_dir> extra_args...` and waits (up to 30 s) for its
  // "ordo: serving http://HOST:PORT" line. Fails the test (throws) if it exits first.
  // `command_prefix`, when given, runs ordo under another command that execs it in the same
  // process (e.g. {"ip", "netns", "exec", "ns1"}: the node in a network namespace).
  node_process(const std::filesystem::path& data_dir, std::vector<std::string> extra_args = {},
               std::vector<std::string> env = {}, std::vector<std::string> command_prefix = {});
  ~node_process();  // SIGKILL if still running
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  int port() const { return port_; }
  // The HTTP host of its start line ("127.0.0.1" unless --host says otherwise).
  const std::string& host() const { return host_; }
  bool tls() const { return tls_; }
  pid_t pid() const { return pid_; }
  // SIGTERM and wait: the exit code (0 for a graceful stop).
  int stop();
  // SIGKILL and wait: a crash at an arbitrary moment.
  void kill_hard();

 private:
  int wait_for_exit();
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  std::string host_;
  bool tls_ = false;
};

struct response {
  int status = 0;  // 0: no answer (connection failed)
  httplib::Headers headers;
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// A client of one node. Bodies, POSTs and DELETEs are sent as application/json unless a
// Content-Type is given. A
// request unanswered after `read_timeout_s` seconds gets status 0.
class api_client {
 public:
  explicit api_client(int port, std::string token = {}, int read_timeout_s = 30);
  // A node that listens on another address than 127.0.0.1.
  api_client(const std::string& host, int port, std::string token = {}, int read_timeout_s = 30);
  response call(const std::string& method, const std::string& path, const std::string& body = "",
                httplib::Headers headers = {});
  response get(const std::string& path, httplib::Headers headers = {}) {
    return call("GET", path, "", std::move(headers));
  }
  response post(const std::string& path, const nlohmann::json& body,
                httplib::Headers headers = {}) {
    return call("POST", path, body.dump(), std::move(headers));
  }

 private:
  httplib::Client client_;
  std::string token_;
};

}  // namespace ordo::e2e
