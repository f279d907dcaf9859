// The options of `ordo serve`: where the settings come from, and the flags that override them.
//   --config FILE   a JSON settings file
//   --data DIR      data_dir
//   --host H        http.host
//   --port N        http.port (0: any free port)
//   --node-id ID    node.id
//   --cluster-host H   cluster.host
//   --cluster-port N   cluster.port
//   --members LIST  cluster.nodes as "id=host:port,id=host:port,..."
//   --master-key-file FILE  privacy.master_key_file
//   --insecure      serve on a non-loopback address without auth.tokens, or with them over
//                   plain HTTP; join a cluster off loopback without cluster.tls.*
// Each takes its value as the next argument or after '=' ("--port=0").
#pragma once

#include <expected>
#include <span>
#include <string>
#include <string_view>

#include "config/load.hpp"

namespace ordo::config {

struct serve_options {
  sources settings_sources;  // config file and flags; the caller adds the environment
  bool insecure = false;
  bool help = false;
};

// `args` are the arguments after "serve". Errors are one line: "unknown option --x".
std::expected<serve_options, std::string> parse_serve_arguments(
    std::span<const std::string_view> args);

inline constexpr std::string_view serve_usage =
    "usage: ordo serve [--config FILE] [--data DIR] [--host H] [--port N] [--insecure]\n"
    "                  [--node-id ID] [--cluster-host H] [--cluster-port N]\n"
    "                  [--members ID=HOST:PORT,ID=HOST:PORT,...] [--master-key-file FILE]\n";

}  // namespace ordo::config
