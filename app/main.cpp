// ordo: the command-line entry point.
#include <cstdio>
#include <cstring>
#include <string_view>

namespace {

constexpr const char* usage =
    "ordo - an event-sourced, actor-model order-processing runtime\n"
    "\n"
    "usage: ordo <command> [options]\n"
    "\n"
    "commands in this build:\n"
    "  help           show this text\n"
    "  version        print the version\n"
    "\n"
    "not in this build yet: serve (the HTTP API), replay, verify, export, inspect.\n";

}  // namespace

int main(int argc, char** argv) {
  std::string_view command = argc > 1 ? argv[1] : "help";
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(usage, stdout);
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::puts("ordo 0.1.0");
    return 0;
  }
  std::fprintf(stderr, "ordo: '%.*s' is not available in this build; see 'ordo --help'\n",
               static_cast<int>(command.size()), command.data());
  return 2;
}
