#include "headless_chromium.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace ordo::browser {

namespace {

using json = nlohmann::json;
using clock = std::chrono::steady_clock;
constexpr auto call_limit = std::chrono::seconds(30);

std::string base64_decode(std::string_view text) {
  std::array<int, 256> value{};
  value.fill(-1);
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    value[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  std::string out;
  int bits = 0;
  int collected = 0;
  for (unsigned char c : text) {
    if (value[c] < 0) continue;  // '=' padding and line breaks
    bits = (bits << 6) | value[c];
    collected += 6;
    if (collected >= 8) {
      collected -= 8;
      out.push_back(static_cast<char>((bits >> collected) & 0xff));
    }
  }
  return out;
}

}  // namespace

headless_chromium::headless_chromium(const std::string& binary,
                                     const std::filesystem::path& profile_dir, int width,
                                     int height) {
  int commands[2];
  int answers[2];
  if (pipe2(commands, O_CLOEXEC) != 0 || pipe2(answers, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  // The child's ends move above 4 first, so that neither is already fd 3 or 4 when the spawn
  // puts them there (a dup2 onto itself would keep close-on-exec; one onto the other's number
  // would close it).
  for (int* end : {&commands[0], &answers[1]}) {
    int moved = fcntl(*end, F_DUPFD_CLOEXEC, 10);
    if (moved < 0) throw std::runtime_error("fcntl failed");
    close(*end);
    *end = moved;
  }
  // Quiet and self-contained: the flags keep it from reaching out to the network (refused here,
  // and slow to give up) and from needing a sandbox it cannot have as root.
  std::vector<std::string> args{
      binary,
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-extensions",
      "--disable-dev-shm-usage",  // a small /dev/shm (containers) must not crash it
      "--hide-scrollbars",
      "--remote-debugging-pipe",
      "--user-data-dir=" + profile_dir.string(),
      "--window-size=" + std::to_string(width) + "," + std::to_string(height),
      "about:blank"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, commands[0], 3);
  posix_spawn_file_actions_adddup2(&actions, answers[1], 4);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(commands[0]);
  close(answers[1]);
  to_browser_ = commands[1];
  from_browser_ = answers[0];
  if (spawned != 0) throw std::runtime_error("cannot start " + binary);

  auto targets = send("Target.getTargets", json::object(), false);
  std::string page;
  for (const auto& t : targets["targetInfos"])
    if (t["type"] == "page") page = t["targetId"];
  if (page.empty()) throw std::runtime_error("chromium has no page");
  session_ =
      send("Target.attachToTarget", {{"targetId", page}, {"flatten", true}}, false)["sessionId"];
  call("Page.enable");
  call("Runtime.enable");
}

headless_chromium::~headless_chromium() {
  if (pid_ > 0) {
    try {
      send("Browser.close", json::object(), false);
    } catch (const std::exception&) {
      // It may be gone already: the kill below makes sure.
    }
    auto until = clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (clock::now() > until) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (to_browser_ >= 0) close(to_browser_);
  if (from_browser_ >= 0) close(from_browser_);
}

json headless_chromium::read_message(clock::time_point until) {
  for (;;) {
    auto end = buffer_.find('\0');
    if (end != std::string::npos) {
      auto message = json::parse(buffer_.substr(0, end));
      buffer_.erase(0, end + 1);
      return message;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now());
    if (left.count() <= 0) throw std::runtime_error("chromium did not answer in time");
    pollfd p{.fd = from_browser_, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    auto n = read(from_browser_, chunk, sizeof chunk);
    if (n <= 0) throw std::runtime_error("chromium closed its pipe");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

json headless_chromium::send(const std::string& method, json params, bool to_page) {
  int id = next_id_++;
  json message{{"id", id}, {"method", method}, {"params", std::move(params)}};
  if (to_page) message["sessionId"] = session_;
  auto text = message.dump();
  text.push_back('\0');
  for (std::size_t sent = 0; sent < text.size();) {
    auto n = write(to_browser_, text.data() + sent, text.size() - sent);
    if (n <= 0) throw std::runtime_error("cannot write to chromium");
    sent += static_cast<std::size_t>(n);
  }
  auto until = clock::now() + call_limit;
  for (;;) {
    auto answer = read_message(until);
    if (answer.value("method", "") == "Page.loadEventFired") loaded_ = true;
    if (!answer.contains("id") || answer["id"] != id) continue;  // an event, or another answer
    if (answer.contains("error")) throw std::runtime_error(method + ": " + answer["error"].dump());
    return answer["result"];
  }
}

json headless_chromium::call(const std::string& method, json params) {
  return send(method, std::move(params), true);
}

void headless_chromium::navigate(const std::string& url) {
  loaded_ = false;
  // A change of the fragment alone stays in the document: no loader, no load event.
  if (!call("Page.navigate", {{"url", url}}).contains("loaderId")) return;
  auto until = clock::now() + call_limit;
  while (!loaded_) {
    auto message = read_message(until);
    if (message.value("method", "") == "Page.loadEventFired") loaded_ = true;
  }
}

json headless_chromium::evaluate(const std::string& expression) {
  auto answer = call("Runtime.evaluate",
                     {{"expression", expression}, {"awaitPromise", true}, {"returnByValue", true}});
  if (answer.contains("exceptionDetails"))
    throw std::runtime_error(expression + " threw " + answer["exceptionDetails"].dump());
  return answer["result"].value("value", json());
}

bool headless_chromium::wait_until(const std::string& expression, std::chrono::milliseconds limit) {
  auto until = clock::now() + limit;
  for (;;) {
    if (evaluate("Boolean(" + expression + ")") == true) return true;
    if (clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void headless_chromium::screenshot(const std::filesystem::path& file) {
  auto size = call("Page.getLayoutMetrics")["cssContentSize"];
  json clip{{"x", 0}, {"y", 0}, {"width", size["width"]}, {"height", size["height"]}, {"scale", 1}};
  auto shot = call("Page.captureScreenshot",
                   {{"format", "png"}, {"captureBeyondViewport", true}, {"clip", clip}});
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << base64_decode(shot["data"].get<std::string>());
}

}  // namespace ordo::browser
