// ordo export / ordo import: the journal and the node state of the kv store as JSON Lines (see
// envelope.hpp for the format), and back.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

#include "app/offline/command_line.hpp"
#include "app/offline/envelope.hpp"
#include "app/offline/node_state.hpp"
#include "app/offline/offline_commands.hpp"
#include "app/offline/personal_data_access.hpp"
#include "persistence/import.hpp"
#include "readmodel/personal_data_json.hpp"

namespace ordo::app::offline {
namespace {

constexpr std::uint64_t stream_chunk = 1024;
constexpr std::size_t kv_chunk = 1000;

bool write_text(const std::string& line) {
  return std::fwrite(line.data(), 1, line.size(), stdout) == line.size();
}

// One stream's events from `from_position` on, read in version order a chunk at a time.
// An event's export line: its personal fields stay sealed, or read "[erased]" once their key was
// destroyed (an export is a copy the erasure must reach too).
std::expected<std::string, std::string> export_event_line(persistence::recorded_event e,
                                                          persistence::personal_data_keys* keys) {
  if (!keys) return event_line(e);
  auto data = readmodel::erase_shredded_text(std::move(e.data), *keys);
  if (!data)
    return std::unexpected(e.stream + " version " + std::to_string(e.version) + ": " +
                           data.error().message);
  e.data = std::move(*data);
  return event_line(e);
}

int export_stream(persistence::database& db, persistence::personal_data_keys* keys,
                  const std::string& stream, std::uint64_t from_position, export_end& counts) {
  auto highest = db.events().highest_version(stream);
  if (!highest) return complain("export", highest.error().message, exit_code_of(highest.error()));
  if (*highest == 0) return complain("export", "unknown stream " + stream, exit_refused);
  for (std::uint64_t from = 1;;) {
    auto events = db.events().read(stream, from, persistence::unbounded, stream_chunk);
    if (!events) return complain("export", events.error().message, exit_failed);
    for (auto& e : *events) {
      if (e.position < from_position) continue;
      auto line = export_event_line(e, keys);
      if (!line) return complain("export", line.error(), exit_failed);
      if (!write_text(*line)) return complain("export", "cannot write to stdout", exit_failed);
      ++counts.events;
    }
    if (events->size() < stream_chunk) break;
    from = events->back().version + 1;
  }
  return exit_ok;
}

// Every kv record that is node state (not derived from the journal), in key order.
int export_node_state(persistence::database& db, export_end& counts) {
  std::string after;
  for (;;) {
    auto page = db.kv().scan({}, after, kv_chunk);
    if (!page) return complain("export", page.error().message, exit_failed);
    for (auto& [key, value] : *page) {
      if (is_derived_kv_record(key)) continue;
      if (!write_text(kv_line(key, value)))
        return complain("export", "cannot write to stdout", exit_failed);
      ++counts.kv_records;
    }
    if (page->size() < kv_chunk) return exit_ok;
    after = page->back().first;
  }
}

// Reads an export line by line: the format line (format 1 has none), the records in their order
// (events, then kv records), the end line and its counts. Hands each record to `each`; the first
// problem, of the file or of `each`, is returned as "line N: why". `spool`, if given, gets a copy
// of every line read.
class export_reader {
 public:
  using sink = std::function<std::optional<std::string>(const export_line&)>;

  std::optional<std::string> read(std::istream& in, const sink& each, std::ostream* spool) {
    std::string line;
    std::uint64_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (spool) *spool << line << '\n';
      if (line.empty()) continue;
      if (auto why = take(line, each)) return "line " + std::to_string(number) + ": " + *why;
    }
    if (in.bad()) return "cannot read the file";
    if (format_ == 2 && !ended_)
      return "line " + std::to_string(number) + ": the file ends without its end line (cut short?)";
    return std::nullopt;
  }

 private:
  std::optional<std::string> take(const std::string& line, const sink& each) {
    if (format_ == 0) {
      auto header = parse_header(line);
      if (!header) return header.error();
      format_ = *header ? export_format : 1;
      if (*header) return each(**header);
    }
    if (ended_) return "a line after the end line";
    auto parsed = parse_line(line, format_);
    if (!parsed) return parsed.error();
    if (auto* end = std::get_if<export_end>(&*parsed)) {
      ended_ = true;
      if (end->events != counts_.events || end->kv_records != counts_.kv_records)
        return "the end line counts " + std::to_string(end->events) + " events and " +
               std::to_string(end->kv_records) + " kv records, the file holds " +
               std::to_string(counts_.events) + " and " + std::to_string(counts_.kv_records);
      return std::nullopt;
    }
    if (std::holds_alternative<persistence::recorded_event>(*parsed)) {
      if (counts_.kv_records > 0) return "an event after the kv records";
      ++counts_.events;
    } else {
      ++counts_.kv_records;
    }
    return each(*parsed);
  }

  int format_ = 0;  // 0 until the first line
  bool ended_ = false;
  export_end counts_;
};

// Every check of the import, before anything is written: the events' order, streams and
// versions, that this node knows their types and can decode them, and that the kv records are
// node state it can read, each belonging to a stream the file has.
class import_check {
 public:
  std::optional<std::string> operator()(const export_line& line) {
    if (auto* header = std::get_if<export_header>(&line)) {
      // A whole export has every stream from version 1; a partial one (from a position) may not.
      checked_.emplace(/*allow_truncated_streams=*/header->from_position > 1);
      return std::nullopt;
    }
    if (!checked_) checked_.emplace(/*allow_truncated_streams=*/true);  // format 1: as before
    if (auto* e = std::get_if<persistence::recorded_event>(&line)) {
      if (auto ok = checked_->check(*e); !ok) return ok.error().message;
      if (auto why = unknown_event_problem(*e))
        return e->stream + " version " + std::to_string(e->version) + " (" + e->type + "): " + *why;
      return std::nullopt;
    }
    auto& record = std::get<kv_record>(line);
    if (is_derived_kv_record(record.key))
      return "kv record " + record.key +
             " is read-model data, rebuilt from the journal and never imported";
    if (auto ok = checked_->check_kv(record.key); !ok) return ok.error().message;
    auto verdict = node_state_verdict(record.key, record.value);
    if (verdict && verdict->problem) return "kv record " + record.key + ": " + *verdict->problem;
    if (verdict && !verdict->stream.empty() && checked_->highest_version(verdict->stream) == 0)
      return "kv record " + record.key + " belongs to stream " + verdict->stream +
             ", which has no events in the file";
    return std::nullopt;
  }

 private:
  std::optional<persistence::import_validator> checked_;
};

// A temporary file for a copy of stdin, which cannot be read twice; removed on destruction.
struct spool_file {
  std::filesystem::path path;
  spool_file() {
    auto pattern = (std::filesystem::temp_directory_path() / "ordo-import-XXXXXX").string();
    int fd = ::mkstemp(pattern.data());
    if (fd >= 0) {
      ::close(fd);
      path = pattern;
    }
  }
  ~spool_file() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove(path, ec);
  }
};

}  // namespace

int run_export(int argc, char** argv) {
  constexpr std::string_view command = "export";
  auto args = parse_args(
      argc, argv, {"--data", "--from-position", "--stream", "--master-key-file", "--config"}, {});
  if (!args) return complain(command, args.error(), exit_refused);
  if (args->help) {
    std::fputs(
        "usage: ordo export --data DIR [--from-position P] [--stream S]\n"
        "                   [--master-key-file FILE | --config FILE] > export.jsonl\n"
        "  the events and, for a whole export (no --stream, no --from-position), the node state\n"
        "  of the kv store (saga deadlines, idempotency records, ...); not the read models\n"
        "  nor the snapshots, which the importing node rebuilds. Personal data stays sealed, and\n"
        "  reads \"[erased]\" where its key was destroyed: the master key "
        "(privacy.master_key_file,\n"
        "  or FILE) tells which.\n",
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
  auto keys = offline_keys(*db, *args, *data_dir);
  if (!keys) return complain(command, keys.error(), exit_refused);
  export_end counts;
  if (!write_text(header_line(from_position)))
    return complain(command, "cannot write to stdout", exit_failed);
  auto stream = args->value("--stream");
  if (stream) {
    code = export_stream(*db, keys->get(), *stream, from_position, counts);
  } else {
    bool written = true;
    std::string unreadable;
    auto scanned = db->events().for_each(from_position, [&](const persistence::recorded_event& e) {
      ++counts.events;
      auto line = export_event_line(e, keys->get());
      if (!line) {
        unreadable = line.error();
        return false;
      }
      return written = write_text(*line);
    });
    if (!scanned)
      code = complain(command, scanned.error().message, exit_failed);
    else if (!unreadable.empty())
      code = complain(command, unreadable, exit_failed);
    else if (!written)
      code = complain(command, "cannot write to stdout", exit_failed);
    else if (from_position == 1)
      code = export_node_state(*db, counts);
  }
  // Without its end line (a failed export) the file is refused by import as cut short.
  if (code == exit_ok && !write_text(end_line(counts)))
    code = complain(command, "cannot write to stdout", exit_failed);
  if (std::fflush(stdout) != 0 && code == exit_ok)
    code = complain(command, "cannot write to stdout", exit_failed);
  return code;
}

int run_import(int argc, char** argv) {
  constexpr std::string_view command = "import";
  auto args = parse_args(argc, argv, {"--data"}, {});
  if (!args) return complain(command, args.error(), exit_refused);
  if (args->help) {
    std::fputs(
        "usage: ordo import --data DIR FILE|-   (into an empty data directory)\n"
        "  checks the whole file first (each line's CRC, streams, versions from 1, event types,\n"
        "  kv records) and writes nothing when any line is bad.\n",
        stdout);
    return exit_ok;
  }
  auto data_dir = args->value("--data");
  if (!data_dir) return complain(command, "--data DIR is required", exit_refused);
  if (args->positional.size() != 1)
    return complain(command, "name exactly one FILE (or - for stdin)", exit_refused);
  const auto& source = args->positional.front();
  const bool from_stdin = source == "-";
  std::ifstream file;
  if (!from_stdin) {
    file.open(source);
    if (!file) return complain(command, "cannot read " + source, exit_refused);
  }

  // First pass: every check, nothing written (stdin is kept in a spool file for the second).
  spool_file spool;
  std::ofstream spooled;
  if (from_stdin) {
    if (spool.path.empty()) return complain(command, "cannot create a temporary file", exit_failed);
    spooled.open(spool.path, std::ios::binary);
  }
  import_check check;
  auto bad = export_reader().read(from_stdin ? std::cin : file, std::ref(check),
                                  from_stdin ? &spooled : nullptr);
  const std::string name = from_stdin ? std::string("stdin") : source;
  if (bad) return complain(command, name + " " + *bad + "; nothing was imported", exit_failed);
  if (from_stdin) {
    spooled.close();
    if (!spooled) return complain(command, "cannot write a temporary file", exit_failed);
    file.open(spool.path, std::ios::binary);
  } else {
    file.clear();
    file.seekg(0);
  }

  // Second pass: write.
  auto importer = persistence::journal_importer::open(*data_dir);
  if (!importer) return complain(command, importer.error().message, exit_code_of(importer.error()));
  auto write = [&](const export_line& line) -> std::optional<std::string> {
    persistence::result<void> added;
    if (auto* e = std::get_if<persistence::recorded_event>(&line))
      added = (*importer)->add(*e);
    else if (auto* record = std::get_if<kv_record>(&line))
      added = (*importer)->add_kv(record->key, record->value);
    if (!added) return added.error().message;
    return std::nullopt;
  };
  auto failed = export_reader().read(file, write, nullptr);
  auto done = failed ? persistence::result<persistence::import_stats>() : (*importer)->finish();
  if (failed || !done)
    return complain(command,
                    (failed ? name + " " + *failed : done.error().message) + "; " + *data_dir +
                        " holds a partial import: remove it first",
                    exit_failed);
  std::fprintf(
      stderr, "imported %llu events of %llu streams up to position %llu, %llu kv records\n",
      static_cast<unsigned long long>(done->events), static_cast<unsigned long long>(done->streams),
      static_cast<unsigned long long>(done->last_position),
      static_cast<unsigned long long>(done->kv_records));
  return exit_ok;
}

}  // namespace ordo::app::offline
