// The fuzz entry over everything that turns request bytes into values, fed the same bytes in
// every role: a command body for every command of every decider (parsed, then decided against
// states in every status, its events encoded and decoded, the resulting state saved and loaded),
// an HTTP body, path id, query number, If-Match, media type and path, a config file, and an
// RFC 3339 time. A broken contract (an exception, a round trip that changes a value, a problem
// that is not 4xx) prints what broke and aborts, which libFuzzer and ctest both report.
#pragma once

#include <string_view>

namespace ordo::fuzz {

void run_request_parsers(std::string_view bytes);

// The parts of run_request_parsers, for the corpus test's messages.
void run_command_parsers(std::string_view bytes);
void run_http_inputs(std::string_view bytes);
void run_settings_and_times(std::string_view bytes);

// Prints `what` with the input and aborts.
[[noreturn]] void broken(std::string_view what, std::string_view input);

inline void require(bool ok, std::string_view what, std::string_view input) {
  if (!ok) broken(what, input);
}

}  // namespace ordo::fuzz
