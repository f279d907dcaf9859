#include "domain/json_text.hpp"

#include "domain/detail/json_scanner.hpp"

namespace ordo::domain {

bool nests_within(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

bool is_plain_json_object(std::string_view text) {
  detail::json_scanner in(text);
  if (!in.begin_object()) return false;
  for (std::string_view key; in.next_key(key);)
    if (!in.skip_value(7)) return false;
  return in.at_end();
}

nlohmann::json parse_untrusted_json(std::string_view text) {
  if (!nests_within(text, max_json_depth))
    return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace ordo::domain
