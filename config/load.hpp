// Loading settings from their sources, later ones winning:
//   defaults < JSON file (--config FILE) < ORDO_* environment variables < command-line flags.
// The first problem stops loading and is returned as one line naming its source, the key and
// what is wrong, e.g. `config.json: http.port: must be an integer 0..65535, got "x"`. Rules that
// span keys (TLS halves, distinct tokens, the cluster's members, heartbeat and timeout) are
// checked once every source is applied and name the source "settings"; in a cluster, an unset
// cluster.port becomes this node's member's port.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace ordo::config {

// One key set on the command line, e.g. {"--port", "http.port", "8081"}.
struct flag_value {
  std::string flag;  // names the source in error messages
  std::string key;
  std::string text;
};

struct sources {
  std::optional<std::string> config_file;
  // "NAME=value" entries as in `environ`. Variables named ORDO_<KEY> set that key; other ORDO_*
  // names are refused as unknown, except ORDO_BUILD_* (the build scripts' own variables).
  std::vector<std::string> environment;
  std::vector<flag_value> flags;
};

std::expected<settings, std::string> load(const sources& from);

// Applies one JSON document (the content of a config file) to `s`; `source` names it in errors.
std::expected<void, std::string> apply_json_text(settings& s, const std::string& source,
                                                 const std::string& text);

// The environment of this process, for `sources::environment`.
std::vector<std::string> process_environment();

}  // namespace ordo::config
