// ordo verify: checks a data directory and lists every problem found.
#include <cstdio>
#include <memory>

#include "app/offline/command_line.hpp"
#include "app/offline/node_state.hpp"
#include "app/offline/offline_commands.hpp"
#include "app/offline/personal_data_access.hpp"
#include "persistence/verify.hpp"
#include "readmodel/personal_data_json.hpp"
#include "readmodel/projection_verify.hpp"
#include "readmodel/replay.hpp"

namespace ordo::app::offline {
namespace {

constexpr std::string_view command = "verify";
constexpr const char* usage =
    "usage: ordo verify --data DIR [--decode-events] [--max-problems N]\n"
    "                   [--master-key-file FILE | --config FILE]\n"
    "  checks every record's CRC32C, per-stream version contiguity, that the stream index and\n"
    "  the global log agree, the position high-water mark, that snapshots load, and that each\n"
    "  projection's checkpoint is readable and within the journal, and that the node state of\n"
    "  the kv store (saga deadlines, idempotency records) is readable, each deadline's stream\n"
    "  existing;\n"
    "  --decode-events also decodes every event with its aggregate's decider.\n"
    "  Every sealed personal field must open with the master key (privacy.master_key_file of\n"
    "  --config FILE or the environment, or --master-key-file FILE): a tampered one is a problem.\n"
    "  Opens the directory read-only: nothing in it changes. A write-ahead log damaged before\n"
    "  its end is reported in one line and exits 1 (see 'ordo repair').\n"
    "  exit 0: all is well; 1: problems found; 2: refused.\n";

void print_problem(const persistence::journal_problem& p) {
  std::printf("%s", std::string(persistence::to_string(p.kind)).c_str());
  if (!p.stream.empty()) std::printf(" stream=%s", p.stream.c_str());
  if (p.version) std::printf(" version=%llu", static_cast<unsigned long long>(p.version));
  if (p.position) std::printf(" position=%llu", static_cast<unsigned long long>(p.position));
  if (!p.key.empty()) std::printf(" key=%s", p.key.c_str());
  std::printf(": %s\n", p.detail.c_str());
}

}  // namespace

int run_verify(int argc, char** argv) {
  auto args = parse_args(argc, argv, {"--data", "--max-problems", "--master-key-file", "--config"},
                         {"--decode-events"});
  if (!args) return complain(command, args.error(), exit_refused);
  if (args->help) {
    std::fputs(usage, stdout);
    return exit_ok;
  }
  if (!args->positional.empty())
    return complain(command, "unexpected argument " + args->positional.front(), exit_refused);
  auto data_dir = args->value("--data");
  if (!data_dir) return complain(command, "--data DIR is required", exit_refused);
  persistence::verify_options options;
  if (auto max = args->value("--max-problems")) {
    auto n = parse_u64(*max);
    if (!n) return complain(command, "--max-problems needs a count, not " + *max, exit_refused);
    options.max_problems = *n;
  }
  options.check_snapshot = readmodel::snapshot_problem;
  options.check_kv = readmodel::checkpoint_problems;
  options.check_kv_record = node_state_verdict;
  // Personal data: every sealed field must open (a tampered one is a problem), with the master
  // key of the settings; a directory that never had a data key needs none. Events are decoded
  // only for what asks for it: --decode-events, or data keys to check them with.
  std::unique_ptr<persistence::personal_data_keys> keys;
  auto decode = args->has("--decode-events");
  options.on_open = [&](persistence::kv_store& kv) -> persistence::result<void> {
    auto loaded = offline_keys_for(kv, *args, *data_dir);
    if (!loaded)
      return persistence::storage_failure(persistence::storage_errc::invalid_argument,
                                          loaded.error());
    keys = std::move(*loaded);
    if (!decode && !keys) return {};
    options.check_event = [&](const persistence::recorded_event& e) -> std::optional<std::string> {
      if (decode)
        if (auto problem = readmodel::event_problem(e)) return problem;
      if (!keys) return std::nullopt;
      if (auto opened = readmodel::open_personal_text(e.data, *keys); !opened)
        return opened.error().message;
      return std::nullopt;
    };
    return {};
  };

  auto report = persistence::verify_directory(*data_dir, options);
  if (!report) return complain(command, report.error().message, exit_code_of(report.error()));
  std::printf("verified %s\n", data_dir->c_str());
  std::printf("  records        %llu\n", static_cast<unsigned long long>(report->records));
  std::printf("  index entries  %llu\n", static_cast<unsigned long long>(report->index_entries));
  std::printf("  streams        %llu\n", static_cast<unsigned long long>(report->streams));
  std::printf("  snapshots      %llu\n", static_cast<unsigned long long>(report->snapshots));
  std::printf("  last position  %llu\n", static_cast<unsigned long long>(report->last_position));
  std::printf("  problems       %llu\n", static_cast<unsigned long long>(report->problem_count));
  for (auto& problem : report->problems) print_problem(problem);
  if (report->problem_count > report->problems.size())
    std::printf("... and %llu more (raise --max-problems to list them)\n",
                static_cast<unsigned long long>(report->problem_count - report->problems.size()));
  std::puts(report->ok() ? "OK" : "PROBLEMS FOUND");
  return report->ok() ? exit_ok : exit_failed;
}

}  // namespace ordo::app::offline
