// ordo keys rotate: re-wraps every customer's data key with a new master key, offline and in one
// atomic write, so that the old master key file can be destroyed.
#include <cstdio>

#include "app/offline/command_line.hpp"
#include "app/offline/offline_commands.hpp"
#include "app/offline/personal_data_access.hpp"
#include "persistence/personal_data.hpp"

namespace ordo::app::offline {
namespace {

constexpr std::string_view command = "keys";
constexpr const char* usage =
    "usage: ordo keys rotate --data DIR --master-key-file NEW [--config FILE]\n"
    "  re-wraps every customer's data key in DIR with the master key in NEW (created, 32 random\n"
    "  bytes, mode 0600, when it does not exist), in one atomic write; the node must be stopped.\n"
    "  The current master key is privacy.master_key_file of the settings (--config FILE, the\n"
    "  ORDO_PRIVACY_MASTER_KEY_FILE variable, or ./ordo-master.key). Afterwards start the node\n"
    "  with NEW as privacy.master_key_file; the old file may then be destroyed.\n"
    "  exit 0: rotated; 1: failed; 2: refused (bad flags, a busy directory, a wrong key file).\n";

int rotate(const parsed_args& args) {
  auto data_dir = args.value("--data");
  if (!data_dir) return complain(command, "--data DIR is required", exit_refused);
  auto next_file = args.value("--master-key-file");
  if (!next_file) return complain(command, "--master-key-file NEW is required", exit_refused);
  auto current_settings = offline_settings(args, *data_dir, nullptr);
  if (!current_settings) return complain(command, current_settings.error(), exit_refused);
  if (auto next_settings = offline_settings(args, *data_dir, &*next_file); !next_settings)
    return complain(command, next_settings.error(), exit_refused);
  const auto& current_file = current_settings->privacy.master_key_file;

  auto current = persistence::master_key::load(current_file, false);
  if (!current) return complain(command, current.error().message, exit_refused);
  int code = exit_ok;
  auto db = open_existing(command, *data_dir, code, /*read_only=*/false);
  if (!db) return code;
  persistence::personal_data_keys keys(db->kv(), *current);
  if (auto checked = keys.check_master(); !checked)
    return complain(command, checked.error().message, exit_code_of(checked.error()));

  auto next = persistence::master_key::load(*next_file, true);
  if (!next) return complain(command, next.error().message, exit_refused);
  if (next->bytes() == current->bytes())
    return complain(command,
                    "master key file " + *next_file + " holds the current master key (" +
                        current_file + "): nothing to rotate",
                    exit_refused);
  auto count = keys.rewrap_all(*next);
  if (!count) return complain(command, count.error().message, exit_failed);
  std::printf("re-wrapped %zu data keys of %s with %s; %s may now be destroyed\n", *count,
              data_dir->c_str(), next_file->c_str(), current_file.c_str());
  return exit_ok;
}

}  // namespace

int run_keys(int argc, char** argv) {
  auto args = parse_args(argc, argv, {"--data", "--master-key-file", "--config"}, {});
  if (!args) return complain(command, args.error(), exit_refused);
  if (args->help) {
    std::fputs(usage, stdout);
    return exit_ok;
  }
  if (args->positional.empty())
    return complain(command, "a subcommand is required: ordo keys rotate ...", exit_refused);
  if (args->positional.front() != "rotate")
    return complain(command, "unknown subcommand " + args->positional.front(), exit_refused);
  if (args->positional.size() > 1)
    return complain(command, "unexpected argument " + args->positional[1], exit_refused);
  return rotate(*args);
}

}  // namespace ordo::app::offline
