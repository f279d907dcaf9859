#include "app/offline/command_line.hpp"

#include <charconv>
#include <cstdio>
#include <filesystem>

namespace ordo::app::offline {

std::optional<std::string> parsed_args::value(std::string_view flag) const {
  if (auto it = values.find(flag); it != values.end()) return it->second;
  return std::nullopt;
}

std::expected<parsed_args, std::string> parse_args(
    int argc, char** argv, std::initializer_list<std::string_view> valued,
    std::initializer_list<std::string_view> switches) {
  auto contains = [](std::initializer_list<std::string_view> list, std::string_view flag) {
    for (auto f : list)
      if (f == flag) return true;
    return false;
  };
  parsed_args out;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("--")) {
      out.positional.emplace_back(arg);
      continue;
    }
    if (arg == "--help") {
      out.help = true;
      continue;
    }
    std::string flag(arg.substr(0, arg.find('=')));
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); eq != std::string_view::npos) inline_value = arg.substr(eq + 1);
    if (contains(switches, flag) && !inline_value) {
      out.switches.insert(flag);
      continue;
    }
    if (!contains(valued, flag)) return std::unexpected("unknown flag " + flag);
    if (out.values.contains(flag)) return std::unexpected(flag + " given twice");
    if (!inline_value) {
      if (i + 1 >= argc) return std::unexpected(flag + " needs a value");
      inline_value = argv[++i];
    }
    out.values.emplace(flag, *inline_value);
  }
  return out;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

int complain(std::string_view command, std::string_view message, int code) {
  std::fprintf(stderr, "ordo %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
               static_cast<int>(message.size()), message.data());
  return code;
}

int exit_code_of(const persistence::storage_error& err) {
  using persistence::storage_errc;
  return err.code == storage_errc::busy || err.code == storage_errc::invalid_argument ? exit_refused
                                                                                      : exit_failed;
}

std::unique_ptr<persistence::database> open_existing(std::string_view command,
                                                     const std::string& path, int& code,
                                                     bool read_only) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    code = complain(command, "data directory " + path + " does not exist", exit_refused);
    return nullptr;
  }
  if (!std::filesystem::exists(std::filesystem::path(path) / "CURRENT", ec)) {
    code = complain(command, "data directory " + path + " holds no ordo database", exit_refused);
    return nullptr;
  }
  auto opened = persistence::database::open({.path = path,
                                             .create_if_missing = false,
                                             .sync = persistence::sync_mode::none,
                                             .read_only = read_only});
  if (!opened) {
    code = complain(command, opened.error().message, exit_code_of(opened.error()));
    return nullptr;
  }
  code = exit_ok;
  return std::move(*opened);
}

}  // namespace ordo::app::offline
