// Debian's chromium, headless, driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ended by a NUL byte, commands on the child's fd 3,
// answers and events on its fd 4). No websocket, no npm package, no downloaded browser.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace ordo::browser {

class headless_chromium {
 public:
  // Starts `binary` with a fresh profile in `profile_dir`, a window of width x height, and
  // attaches to its page. Throws if it cannot.
  headless_chromium(const std::string& binary, const std::filesystem::path& profile_dir,
                    int width = 1280, int height = 800);
  ~headless_chromium();  // closes the browser (SIGKILL if it does not go)
  headless_chromium(const headless_chromium&) = delete;
  headless_chromium& operator=(const headless_chromium&) = delete;

  // Sends a command to the page and returns its result; throws on a protocol error.
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::object());
  // Opens `url` and waits for its load event (none when only the fragment changes).
  void navigate(const std::string& url);
  // The value of a JavaScript expression in the page (promises awaited); throws on an exception.
  nlohmann::json evaluate(const std::string& expression);
  // Evaluates `expression` until it is true or `limit` passes; false on time-out.
  bool wait_until(const std::string& expression,
                  std::chrono::milliseconds limit = std::chrono::seconds(15));
  // Writes a PNG of the whole page (beyond the window when it is longer).
  void screenshot(const std::filesystem::path& file);

 private:
  nlohmann::json send(const std::string& method, nlohmann::json params, bool to_page);
  nlohmann::json read_message(std::chrono::steady_clock::time_point until);

  pid_t pid_ = -1;
  int to_browser_ = -1;
  int from_browser_ = -1;
  std::string buffer_;
  std::string session_;
  int next_id_ = 1;
  bool loaded_ = false;  // a Page.loadEventFired seen since the last navigate
};

}  // namespace ordo::browser
