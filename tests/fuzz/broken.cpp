#include <cstdio>
#include <cstdlib>
#include <string>

#include "request_parsers.hpp"

namespace ordo::fuzz {

void broken(std::string_view what, std::string_view input) {
  std::string shown;
  for (unsigned char c : input.substr(0, 400)) {
    if (c >= 0x20 && c < 0x7f) {
      shown += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      shown += escaped;
    }
  }
  std::fprintf(stderr, "ordo fuzz: broken contract: %.*s\n  input (%zu bytes): %s\n",
               static_cast<int>(what.size()), what.data(), input.size(), shown.c_str());
  std::abort();
}

}  // namespace ordo::fuzz
