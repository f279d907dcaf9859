// Parsing JSON text that comes from outside (request bodies, commands): never throws, and refuses
// documents nested deeper than max_json_depth before parsing them. nlohmann's parser is
// iterative, but serialising or comparing a document recurses once per level, so a body of
// 60 000 '[' would exhaust a thread's stack later on.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

namespace ordo::domain {

// Deeper than any command body needs (an object holding an array of objects is 3 levels).
inline constexpr std::size_t max_json_depth = 32;

// False if `text` opens more than `max_depth` arrays or objects at once. Brackets inside strings
// do not count. Says nothing about whether `text` is JSON.
bool nests_within(std::string_view text, std::size_t max_depth);

// True if `text` is a JSON object of the plain kind detail::json_scanner reads: strings of
// printable ASCII without escapes, integers of at most 18 digits, null, true, false, arrays and
// objects of them nested at most 8 levels, JSON whitespace. nlohmann parses such a text to an
// object with the same members, so a caller may pass it on as it is instead of parsing and
// dumping it. False says only that the text is not of this kind: parse it to find out more.
bool is_plain_json_object(std::string_view text);

// The JSON value of `text`, or a discarded value (is_discarded()) if it is not JSON or nests
// deeper than max_json_depth.
nlohmann::json parse_untrusted_json(std::string_view text);

}  // namespace ordo::domain
