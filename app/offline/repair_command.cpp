// ordo repair: opens a data directory whose write-ahead log is damaged, dropping what follows the
// damage, only when the operator says so with --accept-loss. Nothing else opens such a directory.
#include <cstdio>

#include "app/offline/command_line.hpp"
#include "app/offline/offline_commands.hpp"
#include "persistence/repair.hpp"

namespace ordo::app::offline {
namespace {

constexpr std::string_view command = "repair";
constexpr const char* usage =
    "usage: ordo repair --data DIR --accept-loss\n"
    "  when the node or 'ordo verify' refuses DIR because its write-ahead log is damaged before\n"
    "  its end: recovers the journal up to the first damaged record and DROPS every write after\n"
    "  it (acknowledged events among them), and rewrites an unreadable position high-water mark\n"
    "  from the log's end. Prints what was dropped. Run 'ordo verify' afterwards.\n"
    "  exit 0: repaired (or nothing to repair); 1: failed; 2: refused.\n";

}  // namespace

int run_repair(int argc, char** argv) {
  auto args = parse_args(argc, argv, {"--data"}, {"--accept-loss"});
  if (!args) return complain(command, args.error(), exit_refused);
  if (args->help) {
    std::fputs(usage, stdout);
    return exit_ok;
  }
  if (!args->positional.empty())
    return complain(command, "unexpected argument " + args->positional.front(), exit_refused);
  auto data_dir = args->value("--data");
  if (!data_dir) return complain(command, "--data DIR is required", exit_refused);
  if (!args->has("--accept-loss"))
    return complain(command,
                    "repair drops every write after the first damaged WAL record; pass "
                    "--accept-loss to proceed",
                    exit_refused);
  auto repaired = persistence::repair_directory(*data_dir);
  if (!repaired) return complain(command, repaired.error().message, exit_code_of(repaired.error()));
  for (auto& drop : repaired->wal_drops) std::printf("dropped: %s\n", drop.c_str());
  if (repaired->watermark_rewritten)
    std::printf("rewrote the unreadable position high-water mark from the log's end\n");
  if (repaired->wal_drops.empty() && !repaired->watermark_rewritten)
    std::printf("nothing to repair\n");
  std::printf("journal of %s ends at position %llu\n", data_dir->c_str(),
              static_cast<unsigned long long>(repaired->last_position));
  return exit_ok;
}

}  // namespace ordo::app::offline
