#include "config/load.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "config/keys.hpp"

extern char** environ;

namespace ordo::config {

namespace {

using json = nlohmann::json;

// Text from the outside (a file's key, a variable's name, a flag) as it may appear in a one-line
// error: control characters and bytes outside printable ASCII are written as escapes, so that a
// key like "a\nb" (legal JSON) cannot break the line or the terminal. A name also escapes its
// backslashes, so that the escape is unambiguous; a message (whose values are JSON-quoted already)
// keeps its backslashes and its UTF-8.
std::string one_line(std::string_view text, bool is_name = true) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\\' && is_name) {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f || (is_name && c > 0x7f)) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::unexpected<std::string> refuse(std::string_view source, std::string_view key,
                                    std::string_view what) {
  return std::unexpected(one_line(source) + ": " + one_line(key) + ": " +
                         one_line(what, /*is_name=*/false));
}

std::expected<void, std::string> assign(settings& s, std::string_view source, const key_spec& key,
                                        const json& value) {
  if (auto problem = key.assign(s, value)) return refuse(source, key.name, *problem);
  return {};
}

// Walks one object of the file; `prefix` is the section it belongs to ("" at the top).
std::expected<void, std::string> apply_object(settings& s, const std::string& source,
                                              const json& object, const std::string& prefix) {
  for (auto& [name, value] : object.items()) {
    auto key = prefix.empty() ? name : prefix + "." + name;
    if (is_section(key)) {
      if (!value.is_object()) return refuse(source, key, "must be an object");
      if (auto applied = apply_object(s, source, value, key); !applied) return applied;
    } else if (auto* spec = find_key(key)) {
      if (auto applied = assign(s, source, *spec, value); !applied) return applied;
    } else {
      return refuse(source, key, "unknown key");
    }
  }
  return {};
}

std::expected<void, std::string> apply_environment(settings& s,
                                                   const std::vector<std::string>& environment) {
  for (const auto& entry : environment) {
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    std::string_view name(entry.data(), eq);
    if (!name.starts_with("ORDO_") || name.starts_with("ORDO_BUILD_")) continue;
    const key_spec* spec = nullptr;
    for (const auto& key : all_keys())
      if (environment_name(key.name) == name) spec = &key;
    if (!spec)
      return std::unexpected(one_line(name) +
                             ": unknown variable (ORDO_* variables set config keys, e.g. "
                             "ORDO_HTTP_PORT for http.port)");
    auto text = std::string_view(entry).substr(eq + 1);
    if (auto applied = assign(s, name, *spec, value_from_text(*spec, text)); !applied)
      return applied;
  }
  return {};
}

std::expected<void, std::string> apply_flags(settings& s, const std::vector<flag_value>& flags) {
  for (const auto& flag : flags) {
    auto* spec = find_key(flag.key);
    if (!spec) return refuse(flag.flag, flag.key, "unknown key");
    if (auto applied = assign(s, flag.flag, *spec, value_from_text(*spec, flag.text)); !applied)
      return applied;
  }
  return {};
}

// "a, b, c" for a list of members' ids.
std::string member_ids(const std::vector<cluster_member>& members) {
  std::string ids;
  for (const auto& m : members) ids += (ids.empty() ? "" : ", ") + m.id;
  return ids;
}

std::string address_of(const cluster_member& m) {
  auto host = m.host;
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(m.port);
}

// The cluster's rules: its members are distinct and include this node (when there are two or
// more), which also gives cluster.port when it is not set; failure detection gets at least three
// heartbeats; TLS is all or nothing.
std::expected<void, std::string> resolve_cluster(settings& s) {
  auto& cluster = s.cluster;
  const auto& nodes = cluster.nodes;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (std::size_t j = 0; j < i; ++j) {
      auto at = "cluster.nodes[" + std::to_string(i) + "]";
      auto other = "cluster.nodes[" + std::to_string(j) + "]";
      if (nodes[i].id == nodes[j].id)
        return refuse("settings", at + ".id", "repeats the id \"" + nodes[i].id + "\" of " + other);
      if (address_of(nodes[i]) == address_of(nodes[j]))
        return refuse("settings", at,
                      "repeats the address " + address_of(nodes[i]) + " of " + other);
    }
  if (cluster.clustered()) {
    auto self = std::find_if(nodes.begin(), nodes.end(),
                             [&](const cluster_member& m) { return m.id == s.node.id; });
    if (self == nodes.end())
      return refuse("settings", "node.id",
                    "\"" + s.node.id + "\" is not among the members of cluster.nodes (" +
                        member_ids(nodes) + ")");
    if (cluster.port == 0) {
      cluster.port = self->port;
    } else if (cluster.port != self->port) {
      return refuse("settings", "cluster.port",
                    std::to_string(cluster.port) + " disagrees with this node's member " +
                        self->id + " in cluster.nodes (port " + std::to_string(self->port) + ")");
    }
  }
  if (cluster.connection_timeout_ms < 3 * cluster.heartbeat_ms)
    return refuse("settings", "cluster.connection_timeout_ms",
                  "must be at least 3 x cluster.heartbeat_ms (" +
                      std::to_string(3 * cluster.heartbeat_ms) + "), got " +
                      std::to_string(cluster.connection_timeout_ms));
  const auto& tls = cluster.tls;
  if (!tls.configured() && !(tls.cert.empty() && tls.key.empty() && tls.ca.empty())) {
    std::string missing = tls.cert.empty()  ? "cluster.tls.cert"
                          : tls.key.empty() ? "cluster.tls.key"
                                            : "cluster.tls.ca";
    return refuse("settings", missing,
                  "cluster.tls.cert, cluster.tls.key and cluster.tls.ca must be set together");
  }
  return {};
}

// The master key may not live in the data directory: a copy or backup of the directory would
// carry the key that unwraps its data keys, and erasure by destroying a data key would protect
// nothing against whoever holds both. Compared as absolute paths with symbolic links resolved as
// far as they exist.
std::expected<void, std::string> check_master_key_place(const settings& s) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto resolved = [&](const std::string& path) {
    auto absolute = fs::absolute(path, ec);
    auto canonical = fs::weakly_canonical(absolute, ec);
    return (ec ? absolute : canonical).lexically_normal();
  };
  auto key = resolved(s.privacy.master_key_file);
  auto data = resolved(s.data_dir);
  auto [data_end, key_at] = std::mismatch(data.begin(), data.end(), key.begin(), key.end());
  // A trailing separator of data_dir normalises to an empty last element.
  bool inside =
      (data_end == data.end() || (data_end->empty() && std::next(data_end) == data.end())) &&
      key_at != key.end();
  if (inside)
    return refuse("settings", "privacy.master_key_file",
                  "\"" + s.privacy.master_key_file + "\" is inside data_dir \"" + s.data_dir +
                      "\": keep the master key outside the data it protects");
  return {};
}

// Rules that span keys, checked once every source is applied; fills in what they imply.
std::expected<void, std::string> resolve_together(settings& s) {
  if (s.http.tls.cert.empty() != s.http.tls.key.empty())
    return refuse("settings", s.http.tls.cert.empty() ? "http.tls.cert" : "http.tls.key",
                  "http.tls.cert and http.tls.key must be set together");
  for (std::size_t i = 0; i < s.auth.tokens.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (s.auth.tokens[i].token == s.auth.tokens[j].token)
        return refuse("settings", "auth.tokens[" + std::to_string(i) + "].token",
                      "repeats the token of auth.tokens[" + std::to_string(j) + "]");
  if (auto placed = check_master_key_place(s); !placed) return placed;
  return resolve_cluster(s);
}

}  // namespace

std::expected<void, std::string> apply_json_text(settings& s, const std::string& source,
                                                 const std::string& text) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e400
    std::string what = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] ": keep the part a person needs.
    if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
    return std::unexpected(source + ": not valid JSON: " + what);
  }
  if (!document.is_object()) return std::unexpected(source + ": must hold a JSON object");
  settings changed = s;
  if (auto applied = apply_object(changed, source, document, ""); !applied) return applied;
  s = std::move(changed);
  return {};
}

std::expected<settings, std::string> load(const sources& from) {
  settings s;
  if (from.config_file) {
    std::ifstream file(*from.config_file, std::ios::binary);
    if (!file) return std::unexpected(*from.config_file + ": cannot be read");
    std::ostringstream text;
    text << file.rdbuf();
    if (auto applied = apply_json_text(s, *from.config_file, text.str()); !applied)
      return std::unexpected(applied.error());
  }
  if (auto applied = apply_environment(s, from.environment); !applied)
    return std::unexpected(applied.error());
  if (auto applied = apply_flags(s, from.flags); !applied) return std::unexpected(applied.error());
  if (auto resolved = resolve_together(s); !resolved) return std::unexpected(resolved.error());
  return s;
}

std::vector<std::string> process_environment() {
  std::vector<std::string> entries;
  for (char** entry = environ; entry && *entry; ++entry) entries.emplace_back(*entry);
  return entries;
}

}  // namespace ordo::config
