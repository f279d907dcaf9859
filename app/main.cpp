// ordo: the command-line entry point.
#include <cstdio>
#include <string_view>
#include <vector>

#include "app/offline/offline_commands.hpp"
#include "app/serve.hpp"

namespace {

constexpr const char* usage =
    "ordo - an event-sourced, actor-model order-processing runtime\n"
    "\n"
    "usage: ordo <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve          run one node: the journal, the actors and the HTTP API\n"
    "                 ordo serve [--config FILE] [--data DIR] [--host H] [--port N] [--insecure]\n"
    "  replay         an aggregate's state as of a version or a time, or rebuild a read model\n"
    "                 ordo replay --data DIR STREAM [--to-version N | --at RFC3339] [--events]\n"
    "                 ordo replay --data DIR --projection NAME\n"
    "  verify         check every record, version and position of a data directory (read-only)\n"
    "                 ordo verify --data DIR [--decode-events]\n"
    "  export         event envelopes as JSON Lines, in constant memory\n"
    "                 ordo export --data DIR [--from-position P] [--stream S]\n"
    "  import         load an export into an empty data directory\n"
    "                 ordo import --data DIR FILE|-\n"
    "  repair         open a data directory whose write-ahead log is damaged, DROPPING the\n"
    "                 writes after the damage (the node and verify refuse such a directory)\n"
    "                 ordo repair --data DIR --accept-loss\n"
    "  keys rotate    re-wrap every customer's data key with a new master key file (offline)\n"
    "                 ordo keys rotate --data DIR --master-key-file NEW [--config FILE]\n"
    "  help           show this text\n"
    "  version        print the version\n"
    "\n"
    "settings: see config/README.md (JSON file < ORDO_* variables < flags).\n";

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
  if (command == "serve") {
    std::vector<std::string_view> args(argv + 2, argv + argc);
    return ordo::app::serve(args);
  }
  if (command == "replay") return ordo::app::offline::run_replay(argc - 1, argv + 1);
  if (command == "verify") return ordo::app::offline::run_verify(argc - 1, argv + 1);
  if (command == "export") return ordo::app::offline::run_export(argc - 1, argv + 1);
  if (command == "import") return ordo::app::offline::run_import(argc - 1, argv + 1);
  if (command == "repair") return ordo::app::offline::run_repair(argc - 1, argv + 1);
  if (command == "keys") return ordo::app::offline::run_keys(argc - 1, argv + 1);
  std::fprintf(stderr, "ordo: unknown command '%.*s'; see 'ordo --help'\n",
               static_cast<int>(command.size()), command.data());
  return 2;
}
