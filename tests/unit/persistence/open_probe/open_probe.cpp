// Tries to open the database at argv[1] from a second process (read-only with a second argument
// "read-only") and reports how it went: exit 0 when it opened, 3 when it was busy, 4 on any
// other error, 2 on bad usage.
#include <cstdio>
#include <string_view>

#include "persistence/database.hpp"

int main(int argc, char** argv) {
  using namespace ordo::persistence;
  if (argc != 2 && !(argc == 3 && std::string_view(argv[2]) == "read-only")) {
    std::fprintf(stderr, "usage: %s <data directory> [read-only]\n", argv[0]);
    return 2;
  }
  auto opened = database::open({.path = argv[1], .sync = sync_mode::none, .read_only = argc == 3});
  if (opened) return 0;
  std::fprintf(stderr, "open_probe: %s\n", opened.error().message.c_str());
  return opened.error().code == storage_errc::busy ? 3 : 4;
}
