#include "domain/detail/json_writer.hpp"

#include "domain/codec.hpp"

namespace ordo::domain::detail {

bool is_utf8(std::string_view text) {
  const auto* at = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = at + text.size();
  while (at != end) {
    const unsigned char lead = *at++;
    if (lead < 0x80) continue;
    int continuation = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte (Unicode table 3-7)
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuation = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuation = 2;
      if (lead == 0xE0) low = 0xA0;   // no overlong forms
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuation = 3;
      if (lead == 0xF0) low = 0x90;   // no overlong forms
      if (lead == 0xF4) high = 0x8F;  // nothing past U+10FFFF
    } else {
      return false;
    }
    if (end - at < continuation) return false;
    if (*at < low || *at > high) return false;
    ++at;
    for (int i = 1; i < continuation; ++i, ++at)
      if (*at < 0x80 || *at > 0xBF) return false;
  }
  return true;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  bool ascii = true;
  for (const char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
  if (!ascii && !is_utf8(text)) {
    out += compact_json(nlohmann::json(std::string(text)));
    return;
  }
  out += '"';
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
  }
  out.append(text, plain_from, text.size() - plain_from);
  out += '"';
}

}  // namespace ordo::domain::detail
