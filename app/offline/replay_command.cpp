// ordo replay: an aggregate's state at a version or time, or a projection rebuilt offline.
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "app/offline/command_line.hpp"
#include "app/offline/envelope.hpp"
#include "app/offline/offline_commands.hpp"
#include "app/offline/personal_data_access.hpp"
#include "domain/time_format.hpp"
#include "readmodel/personal_data_json.hpp"
#include "readmodel/projection_rebuild.hpp"
#include "readmodel/projections/catalog.hpp"
#include "readmodel/replay.hpp"

namespace ordo::app::offline {
namespace {

constexpr std::string_view command = "replay";
constexpr const char* usage =
    "usage: ordo replay --data DIR STREAM [--to-version N | --at RFC3339] [--events] "
    "[--master-key-file FILE | --config FILE] "
    "[--no-snapshots]\n"
    "       ordo replay --data DIR --projection NAME\n";

using clock = std::chrono::steady_clock;

std::string duration_text(double seconds) {
  auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, s / 60 % 60);
  else
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  return buf;
}

int rebuild(const std::string& data_dir, const std::string& name) {
  auto view = readmodel::make_projection(name);
  if (!view) {
    std::string known;
    for (auto n : readmodel::projection_names())
      known += (known.empty() ? "" : ", ") + std::string(n);
    return complain(command, "unknown projection " + name + " (known: " + known + ")",
                    exit_refused);
  }
  int code = exit_ok;
  auto db = open_existing(command, data_dir, code, /*read_only=*/false);  // writes the view
  if (!db) return code;
  // The progress line is for a person watching; logs and pipes get the summary only.
  bool terminal = ::isatty(STDERR_FILENO) == 1;
  auto start = clock::now();
  auto last_print = start;
  auto on_progress = [&](const readmodel::rebuild_progress& p) {
    auto now = clock::now();
    if (!terminal || now - last_print < std::chrono::milliseconds(200)) return;
    last_print = now;
    double elapsed = std::chrono::duration<double>(now - start).count();
    double rate = elapsed > 0 ? static_cast<double>(p.events) / elapsed : 0;
    double left =
        p.last_position > p.position ? static_cast<double>(p.last_position - p.position) : 0;
    std::fprintf(stderr, "\r%s: %llu events, %.0f events/s, ETA %s   ", name.c_str(),
                 static_cast<unsigned long long>(p.events), rate,
                 rate > 0 ? duration_text(left / rate).c_str() : "?");
  };
  auto rebuilt = readmodel::rebuild_projection(*db, *view, on_progress);
  if (terminal) std::fputs("\n", stderr);
  if (!rebuilt) return complain(command, rebuilt.error().message, exit_failed);
  double elapsed = std::chrono::duration<double>(clock::now() - start).count();
  std::printf("rebuilt %s: %llu events up to position %llu in %.2f s (%.0f events/s)\n",
              name.c_str(), static_cast<unsigned long long>(rebuilt->events),
              static_cast<unsigned long long>(rebuilt->position), elapsed,
              elapsed > 0 ? static_cast<double>(rebuilt->events) / elapsed : 0.0);
  return exit_ok;
}

int replay_stream(const parsed_args& args, const std::string& data_dir) {
  if (args.positional.size() != 1)
    return complain(command, "name exactly one STREAM", exit_refused);
  const auto& stream = args.positional.front();
  readmodel::replay_bound bound;
  if (auto v = args.value("--to-version")) {
    bound.version = parse_u64(*v);
    if (!bound.version || *bound.version == 0)
      return complain(command, "--to-version needs a version >= 1, not " + *v, exit_refused);
  }
  if (auto at = args.value("--at")) {
    if (bound.version)
      return complain(command, "give --to-version or --at, not both", exit_refused);
    bound.at = domain::parse_rfc3339(*at);
    if (!bound.at)
      return complain(command, "--at needs an RFC 3339 time, not " + *at, exit_refused);
  }
  int code = exit_ok;
  auto db = open_existing(command, data_dir, code, /*read_only=*/true);
  if (!db) return code;
  readmodel::replay_options options;
  options.keep_events = args.has("--events");
  options.use_snapshots = !args.has("--no-snapshots");
  auto keys = offline_keys(*db, args, data_dir);
  if (!keys) return complain(command, keys.error(), exit_refused);
  auto replayed = readmodel::replay_aggregate(*db, stream, bound, options);
  if (!replayed) {
    auto refused = replayed.error().code == readmodel::replay_errc::unknown_stream ||
                   replayed.error().code == readmodel::replay_errc::unsupported_stream ||
                   replayed.error().code == readmodel::replay_errc::not_at_bound;
    return complain(command, replayed.error().message, refused ? exit_refused : exit_failed);
  }
  // Personal fields opened, or "[erased]"; one that does not open fails the replay.
  auto opened = [&](nlohmann::json& doc) -> persistence::result<void> {
    if (!*keys) return {};
    return readmodel::open_personal_fields(doc, **keys);
  };
  nlohmann::json out = replayed->state;
  if (auto state = opened(out); !state)
    return complain(command, state.error().message, exit_failed);
  if (options.keep_events) {
    auto events = nlohmann::json::array();
    for (auto& e : replayed->events) {
      auto envelope = readmodel::event_envelope_json(e);
      if (auto event = opened(envelope); !event)
        return complain(command, event.error().message, exit_failed);
      events.push_back(std::move(envelope));
    }
    out = {{"stream", stream},
           {"version", replayed->version},
           {"snapshot_version", replayed->snapshot_version},
           {"state", std::move(out)},
           {"events", std::move(events)}};
  }
  std::puts(out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  return exit_ok;
}

}  // namespace

int run_replay(int argc, char** argv) {
  auto args = parse_args(
      argc, argv,
      {"--data", "--to-version", "--at", "--projection", "--master-key-file", "--config"},
      {"--events", "--no-snapshots"});
  if (!args) return complain(command, args.error(), exit_refused);
  if (args->help) {
    std::fputs(usage, stdout);
    return exit_ok;
  }
  auto data_dir = args->value("--data");
  if (!data_dir) return complain(command, "--data DIR is required", exit_refused);
  if (auto name = args->value("--projection")) {
    if (!args->positional.empty() || args->values.size() > 2 || !args->switches.empty())
      return complain(command, "--projection takes no STREAM and no other flag", exit_refused);
    return rebuild(*data_dir, *name);
  }
  return replay_stream(*args, *data_dir);
}

}  // namespace ordo::app::offline
