// The table of every config key: its dotted name ("http.port"), the kind of value it takes and
// how a value is checked and stored. JSON files, ORDO_* variables and flags all go through it,
// so a key is checked the same way wherever it comes from.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "config/settings.hpp"

namespace ordo::config {

enum class value_kind {
  integer,      // a JSON integer within the key's range
  text,         // a JSON string
  choice,       // a JSON string out of a fixed set
  token_list,   // auth.tokens: an array of {"token", "role"}
  member_list,  // cluster.nodes: an array of {"id", "host", "port", "http"?}, or "id=host:port,..."
};

struct key_spec {
  std::string_view name;  // "http.port"
  value_kind kind;
  // Stores `value` into `s`, or says what is wrong with it: "must be an integer 0..65535, got
  // \"x\"". Leaves `s` untouched on failure.
  std::function<std::optional<std::string>(settings& s, const nlohmann::json& value)> assign;
};

std::span<const key_spec> all_keys();
const key_spec* find_key(std::string_view name);

// True if `name` is a section ("http", "http.tls") rather than a key.
bool is_section(std::string_view name);

// The JSON value a text from the environment or the command line stands for: digits become an
// integer, auth.tokens and cluster.nodes are parsed as JSON when they are JSON, anything else
// stays a string (and is refused by `assign` if the key wants something else; cluster.nodes takes
// its "id=host:port,..." form as a string).
nlohmann::json value_from_text(const key_spec& key, std::string_view text);

// "ORDO_HTTP_PORT" for "http.port".
std::string environment_name(std::string_view key);

}  // namespace ordo::config
