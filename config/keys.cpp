#include "config/keys.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <expected>
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

// A member id names a node in URLs, headers, metric labels, file contents and the --members form
// (where ',' and '=' separate): keep it to a plain token.
std::optional<std::string> member_id_problem(const std::string& id) {
  if (id.empty() || id.size() > 64) return "must be 1 to 64 characters";
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-')
      return "must hold only letters, digits, '.', '_' or '-'";
  return std::nullopt;
}

// A host as written in a member: a name or address, IPv6 with or without brackets (stored without).
std::optional<std::string> member_host(std::string host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) return std::nullopt;
  for (unsigned char c : host)
    if (c <= 0x20 || c >= 0x7f || c == '[' || c == ']' || c == '/' || c == ',' || c == '=')
      return std::nullopt;
  return host;
}

// One entry of the "id=host:port,..." form (the --members flag).
std::expected<cluster_member, std::string> parse_compact_member(std::string_view text) {
  auto bad = [&] {
    return std::unexpected(
        json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace) +
        ": must be id=host:port");
  };
  auto eq = text.find('=');
  auto colon = text.rfind(':');
  if (eq == std::string_view::npos || colon == std::string_view::npos || colon < eq) return bad();
  cluster_member member{.id = std::string(text.substr(0, eq))};
  auto host = member_host(std::string(text.substr(eq + 1, colon - eq - 1)));
  auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (!host || ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535 || (host->find(':') != std::string::npos && text[colon - 1] != ']'))
    return bad();
  member.host = std::move(*host);
  member.port = static_cast<std::uint16_t>(port);
  return member;
}

std::expected<cluster_member, std::string> parse_json_member(const json& entry) {
  if (!entry.is_object())
    return std::unexpected(": must be an object {\"id\", \"host\", \"port\", \"http\"?}");
  for (auto& [field, ignored] : entry.items())
    if (field != "id" && field != "host" && field != "port" && field != "http")
      return std::unexpected("." + field + ": unknown key");
  cluster_member member;
  auto id = entry.find("id");
  if (id == entry.end() || !id->is_string()) return std::unexpected(".id: must be a string");
  member.id = id->get<std::string>();
  auto host_field = entry.find("host");
  auto host = host_field != entry.end() && host_field->is_string()
                  ? member_host(host_field->get<std::string>())
                  : std::nullopt;
  if (!host) return std::unexpected(".host: must be a host name or address");
  member.host = std::move(*host);
  auto port = entry.find("port");
  if (port == entry.end() || !port->is_number_unsigned() || port->get<std::uint64_t>() == 0 ||
      port->get<std::uint64_t>() > 65535)
    return std::unexpected(".port: must be an integer 1..65535" +
                           (port == entry.end() ? std::string(", got nothing") : got(*port)));
  member.port = static_cast<std::uint16_t>(port->get<std::uint64_t>());
  if (auto http = entry.find("http"); http != entry.end()) {
    if (!http->is_string() || !(http->get_ref<const std::string&>().empty() ||
                                http->get_ref<const std::string&>().starts_with("http://") ||
                                http->get_ref<const std::string&>().starts_with("https://")))
      return std::unexpected(".http: must be an http:// or https:// URL" + got(*http));
    member.http = http->get<std::string>();
  }
  return member;
}

key_spec members_key() {
  return {"cluster.nodes", value_kind::member_list, [](settings& s, const json& value) -> problem {
            std::vector<cluster_member> members;
            if (value.is_string()) {  // "n1=127.0.0.1:4101,n2=127.0.0.1:4102"
              const auto& text = value.get_ref<const std::string&>();
              std::size_t start = 0;
              while (!text.empty()) {
                auto end = std::min(text.find(',', start), text.size());
                auto member =
                    parse_compact_member(std::string_view(text).substr(start, end - start));
                if (!member) return "[" + std::to_string(members.size()) + "] " + member.error();
                members.push_back(std::move(*member));
                if (end == text.size()) break;
                start = end + 1;
              }
            } else if (value.is_array()) {
              for (std::size_t i = 0; i < value.size(); ++i) {
                auto member = parse_json_member(value[i]);
                if (!member) return "[" + std::to_string(i) + "]" + member.error();
                members.push_back(std::move(*member));
              }
            } else {
              return "must be an array of {\"id\", \"host\", \"port\", \"http\"?} or a string "
                     "\"id=host:port,...\"" +
                     got(value);
            }
            for (std::size_t i = 0; i < members.size(); ++i)
              if (auto id_problem = member_id_problem(members[i].id))
                return "[" + std::to_string(i) + "].id: " + *id_problem + got(json(members[i].id));
            s.cluster.nodes = std::move(members);
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
      text_key(
          "cluster.host", +[](settings& s) -> std::string& { return s.cluster.host; }, false),
      integer_key(
          "cluster.port", +[](settings& s) -> std::uint16_t& { return s.cluster.port; }, 0, 65535),
      members_key(),
      integer_key(
          "cluster.heartbeat_ms",
          +[](settings& s) -> std::int64_t& { return s.cluster.heartbeat_ms; }, 1, max_ms),
      integer_key(
          "cluster.connection_timeout_ms",
          +[](settings& s) -> std::int64_t& { return s.cluster.connection_timeout_ms; }, 1, max_ms),
      integer_key(
          "cluster.forward_window",
          +[](settings& s) -> std::size_t& { return s.cluster.forward_window; }, 1, 1000000),
      text_key(
          "cluster.tls.cert", +[](settings& s) -> std::string& { return s.cluster.tls.cert; },
          true),
      text_key(
          "cluster.tls.key", +[](settings& s) -> std::string& { return s.cluster.tls.key; }, true),
      text_key(
          "cluster.tls.ca", +[](settings& s) -> std::string& { return s.cluster.tls.ca; }, true),
      integer_key(
          "sagas.step_timeout_ms",
          +[](settings& s) -> std::int64_t& { return s.sagas.step_timeout_ms; }, 1, max_ms),
      text_key(
          "privacy.master_key_file",
          +[](settings& s) -> std::string& { return s.privacy.master_key_file; }, false),
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
  static constexpr std::array<std::string_view, 10> sections{
      "node",       "http",    "http.tls",    "auth",  "journal",
      "aggregates", "cluster", "cluster.tls", "sagas", "privacy"};
  return std::find(sections.begin(), sections.end(), name) != sections.end();
}

json value_from_text(const key_spec& key, std::string_view text) {
  if (key.kind == value_kind::integer && all_digits(text)) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc{} && end == text.data() + text.size()) return n;
  }
  if (key.kind == value_kind::token_list || key.kind == value_kind::member_list) {
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
