#include "config/command_line.hpp"

#include <array>
#include <utility>

namespace ordo::config {

namespace {

struct value_flag {
  std::string_view flag;
  std::string_view key;  // empty: --config
};

constexpr std::array<value_flag, 9> value_flags{{
    {"--config", ""},
    {"--data", "data_dir"},
    {"--host", "http.host"},
    {"--port", "http.port"},
    {"--node-id", "node.id"},
    {"--cluster-host", "cluster.host"},
    {"--cluster-port", "cluster.port"},
    {"--members", "cluster.nodes"},
    {"--master-key-file", "privacy.master_key_file"},
}};

}  // namespace

std::expected<serve_options, std::string> parse_serve_arguments(
    std::span<const std::string_view> args) {
  serve_options options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto arg = args[i];
    if (arg == "--insecure") {
      options.insecure = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      continue;
    }
    auto name = arg.substr(0, arg.find('='));
    const value_flag* flag = nullptr;
    for (const auto& f : value_flags)
      if (f.flag == name) flag = &f;
    if (!flag) return std::unexpected("unknown option " + std::string(arg));
    std::string value;
    if (name.size() < arg.size()) {
      value = std::string(arg.substr(name.size() + 1));
    } else if (i + 1 < args.size()) {
      value = std::string(args[++i]);
    } else {
      return std::unexpected(std::string(name) + ": needs a value");
    }
    if (flag->key.empty()) {
      options.settings_sources.config_file = std::move(value);
    } else {
      options.settings_sources.flags.push_back(
          {std::string(flag->flag), std::string(flag->key), std::move(value)});
    }
  }
  return options;
}

}  // namespace ordo::config
