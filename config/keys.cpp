#include "config/keys.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <vector>

namespace ordo::config {

namespace {

using json = nlohmann::json;
using problem = std::optional<std::string>;

std::string got(const json& value) {
  return ", got " + value.dump(-1, ' ', false, json::error_handler_t::replace);
}

template <class T>
key_spec integer_key(std::string_view name, T& (*field)(settings&), std::int64_t min,
                     std::int64_t max) {
  return {name, value_kind::integer, [=](settings& s, const json& value) -> problem {
            std::int64_t n = 0;
            bool in_range = false;
            if (value.is_number_unsigned()) {
              auto u = value.get<std::uint64_t>();
              in_range = u <= static_cast<std::uint64_t>(max);
              n = static_cast<std::int64_t>(std::min<std::uint64_t>(u, max));
            } else if (value.is_number_integer()) {
              n = value.get<std::int64_t>();
              in_range = n <= max;
            }
            if (!value.is_number_integer() || !in_range || n < min)
              return "must be an integer " + std::to_string(min) + ".." + std::to_string(max) +
                     got(value);
            field(s) = static_cast<T>(n);
            return std::nullopt;
          }};
}

key_spec text_key(std::string_view name, std::string& (*field)(settings&), bool may_be_empty) {
  return {
      name, value_kind::text, [=](settings& s, const json& value) -> problem {
        if (!value.is_string() || (!may_be_empty && value.get_ref<const std::string&>().empty()))
          return std::string(may_be_empty ? "must be a string" : "must be a non-empty string") +
                 got(value);
        field(s) = value.get<std::string>();
        return std::nullopt;
      }};
}

key_spec journal_sync_key() {
  return {"journal.sync", value_kind::choice, [](settings& s, const json& value) -> problem {
            if (value == "always") {
              s.journal.sync = journal_sync::always;
            } else if (value == "none") {
              s.journal.sync = journal_sync::none;
            } else {
              return "must be \"always\" or \"none\"" + got(value);
            }
            return std::nullopt;
          }};
}

std::optional<role> parse_role(const json& value) {
  for (auto r : {role::client, role::viewer, role::admin})
    if (value.is_string() && value.get_ref<const std::string&>() == to_string(r)) return r;
  return std::nullopt;
}

key_spec tokens_key() {
  return {"auth.tokens", value_kind::token_list, [](settings& s, const json& value) -> problem {
            if (!value.is_array()) return "must be an array of {\"token\", \"role\"}" + got(value);
            std::vector<auth_token> tokens;
            for (std::size_t i = 0; i < value.size(); ++i) {
              const auto& entry = value[i];
              auto where = "[" + std::to_string(i) + "]";
              if (!entry.is_object()) return where + ": must be an object {\"token\", \"role\"}";
              for (auto& [field, ignored] : entry.items())
                if (field != "token" && field != "role")
                  return where + "." + field + ": unknown key";
              auto token = entry.find("token");
              if (token == entry.end() || !token->is_string() ||
                  token->get_ref<const std::string&>().empty())
                return where + ".token: must be a non-empty string";
              auto r = entry.contains("role") ? parse_role(entry["role"]) : std::nullopt;
              if (!r)
                return where + ".role: must be \"client\", \"viewer\" or \"admin\"" +
                       (entry.contains("role") ? got(entry["role"]) : ", got nothing");
              tokens.push_back({token->get<std::string>(), *r});
            }
            s.auth.tokens = std::move(tokens);
            return std::nullopt;
          }};
}

// Every key, in the order of config/README.md.
std::vector<key_spec> build_keys() {
  constexpr std::int64_t max_int = std::numeric_limits<std::int32_t>::max();
  constexpr std::int64_t max_ms = std::int64_t{24} * 3600 * 1000;
  return {
      text_key(
          "node.id", +[](settings& s) -> std::string& { return s.node.id; }, false),
      text_key(
          "data_dir", +[](settings& s) -> std::string& { return s.data_dir; }, false),
      text_key(
          "http.host", +[](settings& s) -> std::string& { return s.http.host; }, false),
      integer_key(
          "http.port", +[](settings& s) -> std::uint16_t& { return s.http.port; }, 0, 65535),
      integer_key(
          "http.max_body_bytes", +[](settings& s) -> std::size_t& { return s.http.max_body_bytes; },
          1, 64 << 20),
      integer_key(
          "http.max_in_flight", +[](settings& s) -> std::size_t& { return s.http.max_in_flight; },
          1, 1000000),
      integer_key(
          "http.threads", +[](settings& s) -> std::size_t& { return s.http.threads; }, 1, 4096),
      integer_key(
          "http.read_timeout_ms",
          +[](settings& s) -> std::int64_t& { return s.http.read_timeout_ms; }, 1, 3600000),
      integer_key(
          "http.max_connections_per_client",
          +[](settings& s) -> std::size_t& { return s.http.max_connections_per_client; }, 1,
          1000000),
      integer_key(
          "http.idempotency_ttl_hours",
          +[](settings& s) -> std::int64_t& { return s.http.idempotency_ttl_hours; }, 24, 24 * 365),
      integer_key(
          "http.idempotency_ttl_seconds",
          +[](settings& s) -> std::int64_t& { return s.http.idempotency_ttl_seconds; }, 0,
          24 * 365 * 3600),
      text_key(
          "http.tls.cert", +[](settings& s) -> std::string& { return s.http.tls.cert; }, true),
      text_key(
          "http.tls.key", +[](settings& s) -> std::string& { return s.http.tls.key; }, true),
      tokens_key(),
      journal_sync_key(),
      integer_key(
          "aggregates.snapshot_every",
          +[](settings& s) -> std::uint64_t& { return s.aggregates.snapshot_every; }, 1, max_int),
      integer_key(
          "aggregates.snapshots_keep",
          +[](settings& s) -> std::size_t& { return s.aggregates.snapshots_keep; }, 1, 1000),
      integer_key(
          "aggregates.idle_timeout_ms",
          +[](settings& s) -> std::int64_t& { return s.aggregates.idle_timeout_ms; }, 1, max_ms),
      integer_key(
          "aggregates.max_live", +[](settings& s) -> std::size_t& { return s.aggregates.max_live; },
          1, 100000000),
      integer_key(
          "cluster.shards", +[](settings& s) -> std::uint32_t& { return s.cluster.shards; }, 1,
          65536),
      integer_key(
          "sagas.step_timeout_ms",
          +[](settings& s) -> std::int64_t& { return s.sagas.step_timeout_ms; }, 1, max_ms),
  };
}

bool all_digits(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

std::span<const key_spec> all_keys() {
  static const std::vector<key_spec> keys = build_keys();
  return keys;
}

const key_spec* find_key(std::string_view name) {
  auto keys = all_keys();
  auto it =
      std::find_if(keys.begin(), keys.end(), [&](const key_spec& k) { return k.name == name; });
  return it == keys.end() ? nullptr : &*it;
}

bool is_section(std::string_view name) {
  static constexpr std::array<std::string_view, 8> sections{
      "node", "http", "http.tls", "auth", "journal", "aggregates", "cluster", "sagas"};
  return std::find(sections.begin(), sections.end(), name) != sections.end();
}

json value_from_text(const key_spec& key, std::string_view text) {
  if (key.kind == value_kind::integer && all_digits(text)) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc{} && end == text.data() + text.size()) return n;
  }
  if (key.kind == value_kind::token_list) {
    auto parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  return std::string(text);
}

std::string environment_name(std::string_view key) {
  std::string name = "ORDO_";
  for (char c : key)
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace ordo::config
