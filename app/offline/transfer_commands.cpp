// ordo export / ordo import: the journal as JSON Lines of event envelopes, and back.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/offline/command_line.hpp"
#include "app/offline/envelope.hpp"
#include "app/offline/offline_commands.hpp"
#include "persistence/import.hpp"

namespace ordo::app::offline {
namespace {

constexpr std::uint64_t stream_chunk = 1024;

bool write_line(const persistence::recorded_event& e) {
  auto line = http::event_envelope_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  return std::fwrite(line.data(), 1, line.size(), stdout) == line.size();
}

// One stream's events from `from_position` on, read in version order a chunk at a time.
int export_stream(persistence::database& db, const std::string& stream,
                  std::uint64_t from_position) {
  auto highest = db.events().highest_version(stream);
  if (!highest) return complain("export", highest.error().message, exit_code_of(highest.error()));
  if (*highest == 0) return complain("export", "unknown stream " + stream, exit_refused);
  for (std::uint64_t from = 1;;) {
    auto events = db.events().read(stream, from, persistence::unbounded, stream_chunk);
    if (!events) return complain("export", events.error().message, exit_failed);
    for (auto& e : *events) {
      if (e.position >= from_position && !write_line(e))
        return complain("export", "cannot write to stdout", exit_failed);
    }
    if (events->size() < stream_chunk) break;
    from = events->back().version + 1;
  }
  return exit_ok;
}

}  // namespace

int run_export(int argc, char** argv) {
  constexpr std::string_view command = "export";
  auto args = parse_args(argc, argv, {"--data", "--from-position", "--stream"}, {});
  if (!args) return complain(command, args.error(), exit_refused);
  if (args->help) {
    std::fputs("usage: ordo export --data DIR [--from-position P] [--stream S] > events.jsonl\n",
               stdout);
    return exit_ok;
  }
  if (!args->positional.empty())
    return complain(command, "unexpected argument " + args->positional.front(), exit_refused);
  auto data_dir = args->value("--data");
  if (!data_dir) return complain(command, "--data DIR is required", exit_refused);
  std::uint64_t from_position = 1;
  if (auto p = args->value("--from-position")) {
    auto parsed = parse_u64(*p);
    if (!parsed)
      return complain(command, "--from-position needs a position, not " + *p, exit_refused);
    from_position = std::max<std::uint64_t>(*parsed, 1);
  }
  int code = exit_ok;
  auto db = open_existing(command, *data_dir, code, /*read_only=*/true);
  if (!db) return code;
  if (auto stream = args->value("--stream"))
    code = export_stream(*db, *stream, from_position);
  else {
    bool written = true;
    auto scanned = db->events().for_each(from_position, [&](const persistence::recorded_event& e) {
      return written = write_line(e);
    });
    if (!scanned)
      code = complain(command, scanned.error().message, exit_failed);
    else if (!written)
      code = complain(command, "cannot write to stdout", exit_failed);
  }
  if (std::fflush(stdout) != 0 && code == exit_ok)
    code = complain(command, "cannot write to stdout", exit_failed);
  return code;
}

int run_import(int argc, char** argv) {
  constexpr std::string_view command = "import";
  auto args = parse_args(argc, argv, {"--data"}, {});
  if (!args) return complain(command, args.error(), exit_refused);
  if (args->help) {
    std::fputs("usage: ordo import --data DIR FILE|-   (into an empty data directory)\n", stdout);
    return exit_ok;
  }
  auto data_dir = args->value("--data");
  if (!data_dir) return complain(command, "--data DIR is required", exit_refused);
  if (args->positional.size() != 1)
    return complain(command, "name exactly one FILE (or - for stdin)", exit_refused);
  const auto& source = args->positional.front();
  std::ifstream file;
  if (source != "-") {
    file.open(source);
    if (!file) return complain(command, "cannot read " + source, exit_refused);
  }
  std::istream& in = source == "-" ? std::cin : file;

  auto importer = persistence::journal_importer::open(*data_dir);
  if (!importer) return complain(command, importer.error().message, exit_code_of(importer.error()));
  auto partial = [&](std::string why) {
    return complain(command, why + "; " + *data_dir + " holds a partial import: remove it first",
                    exit_failed);
  };
  std::string line;
  std::uint64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    auto event = parse_envelope(line);
    if (!event) return partial("line " + std::to_string(line_number) + ": " + event.error());
    if (auto added = (*importer)->add(*event); !added)
      return partial("line " + std::to_string(line_number) + ": " + added.error().message);
  }
  if (in.bad()) return partial("cannot read " + source);
  auto done = (*importer)->finish();
  if (!done) return partial(done.error().message);
  std::fprintf(stderr, "imported %llu events of %llu streams up to position %llu\n",
               static_cast<unsigned long long>(done->events),
               static_cast<unsigned long long>(done->streams),
               static_cast<unsigned long long>(done->last_position));
  return exit_ok;
}

}  // namespace ordo::app::offline
