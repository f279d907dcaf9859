// What the offline commands share: flag parsing, opening the data directory politely, and the
// exit codes.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/database.hpp"

namespace ordo::app::offline {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;   // the work failed, or verify found problems
inline constexpr int exit_refused = 2;  // bad flags, missing or busy directory, unknown name

struct parsed_args {
  std::map<std::string, std::string, std::less<>> values;  // "--data" -> "DIR"
  std::set<std::string, std::less<>> switches;             // "--events"
  std::vector<std::string> positional;
  bool help = false;

  std::optional<std::string> value(std::string_view flag) const;
  bool has(std::string_view flag) const { return switches.contains(flag); }
};

// Parses "--flag VALUE", "--flag=VALUE" and switches; anything not starting with "--" (and "-")
// is positional. An unknown flag, a missing value or a repeated flag is an error message.
std::expected<parsed_args, std::string> parse_args(
    int argc, char** argv, std::initializer_list<std::string_view> valued,
    std::initializer_list<std::string_view> switches);

std::optional<std::uint64_t> parse_u64(std::string_view text);

// Prints "ordo <command>: <message>" on stderr and returns `code`.
int complain(std::string_view command, std::string_view message, int code);

// The exit code a storage failure deserves: refused for busy / missing / not a database.
int exit_code_of(const persistence::storage_error& err);

// Opens an existing data directory (never creating it); on failure prints why and sets `code`.
// read_only: nothing in the directory changes (verify, export, replay of a stream).
std::unique_ptr<persistence::database> open_existing(std::string_view command,
                                                     const std::string& path, int& code,
                                                     bool read_only);

}  // namespace ordo::app::offline
