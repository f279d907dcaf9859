#include "readmodel/replay.hpp"

#include <utility>

#include "domain/aggregate_types.hpp"
#include "domain/deciders.hpp"
#include "domain/time_format.hpp"
#include "readmodel/aggregate_codec.hpp"

namespace ordo::readmodel {

std::string_view to_string(replay_errc code) {
  switch (code) {
    case replay_errc::unknown_stream:
      return "unknown_stream";
    case replay_errc::unsupported_stream:
      return "unsupported_stream";
    case replay_errc::not_at_bound:
      return "not_at_bound";
    case replay_errc::truncated:
      return "truncated";
    case replay_errc::undecodable:
      return "undecodable";
    case replay_errc::storage:
      return "storage";
  }
  return "unknown";
}

namespace {

constexpr std::uint64_t read_chunk = 1024;

std::unexpected<replay_error> failure(replay_errc code, std::string_view stream,
                                      std::string message, std::uint64_t version = 0) {
  return std::unexpected(replay_error{code, std::move(message), std::string(stream), version});
}

std::unexpected<replay_error> storage_failure(std::string_view stream,
                                              const persistence::storage_error& err) {
  return failure(replay_errc::storage, stream, err.message, err.version);
}

bool within(const persistence::recorded_event& e, const replay_bound& bound) {
  if (bound.version && e.version > *bound.version) return false;
  return !bound.at || e.timestamp_ms <= *bound.at;
}

template <domain::decider D>
domain::result<typename D::event> decode(const persistence::recorded_event& e) {
  return D::decode({e.type, e.schema_version, e.data});
}

// Loads the newest snapshot within the bound that D can read into `state`; its version, or 0.
template <domain::decider D>
std::uint64_t load_snapshot(persistence::database& db, std::string_view stream,
                            const replay_bound& bound, typename D::state& state) {
  persistence::snapshot_criteria criteria;
  if (bound.version) criteria.max_version = *bound.version;
  if (bound.at) criteria.max_timestamp_ms = *bound.at;
  remembered_commands remembered;
  while (criteria.max_version > 0) {
    auto loaded = db.snapshots().load_latest(stream, criteria);
    if (!loaded) {
      // A damaged snapshot names its version: look below it. Anything else: fold from events.
      if (loaded.error().code != persistence::storage_errc::corrupt || loaded.error().version == 0)
        return 0;
      criteria.max_version = loaded.error().version - 1;
      continue;
    }
    if (!*loaded) return 0;
    if (decode_aggregate_snapshot<D>(**loaded, state, remembered)) return (*loaded)->version;
    criteria.max_version = (*loaded)->version - 1;
  }
  return 0;
}

template <domain::decider D>
replay_result<replayed_aggregate> replay_as(persistence::database& db, std::string_view stream,
                                            std::uint64_t highest, const replay_bound& bound,
                                            const replay_options& options) {
  typename D::state state{};
  replayed_aggregate out;
  if (options.use_snapshots) out.snapshot_version = load_snapshot<D>(db, stream, bound, state);
  std::uint64_t version = out.snapshot_version;
  auto to = bound.version ? *bound.version : persistence::unbounded;
  for (bool more = version < to; more;) {
    auto events = db.events().read(stream, version + 1, to, read_chunk);
    if (!events) return storage_failure(stream, events.error());
    for (auto& e : *events) {
      if (!within(e, bound)) {
        more = false;
        break;
      }
      if (e.version != version + 1)
        return failure(replay_errc::truncated, stream,
                       "versions " + std::to_string(version + 1) + ".." +
                           std::to_string(e.version - 1) + " of " + std::string(stream) +
                           " were truncated and no snapshot covers them",
                       version + 1);
      auto event = decode<D>(e);
      if (!event)
        return failure(replay_errc::undecodable, stream,
                       "cannot decode " + e.type + " v" + std::to_string(e.schema_version) +
                           " of " + std::string(stream) + " at version " +
                           std::to_string(e.version) + ": " + event.error().message,
                       e.version);
      D::evolve(state, *event, e.timestamp_ms);
      version = e.version;
      ++out.events_folded;
      if (options.keep_events) out.events.push_back(std::move(e));
    }
    if (events->size() < read_chunk || version >= to) more = false;
  }
  if (version == 0) {
    auto when = bound.at ? "at " + domain::format_rfc3339(*bound.at) : std::string("at version 0");
    return failure(replay_errc::not_at_bound, stream,
                   std::string(stream) + " did not exist " + when);
  }
  if (bound.version && version != *bound.version)
    return failure(replay_errc::not_at_bound, stream,
                   std::string(stream) + " has no version " + std::to_string(*bound.version) +
                       " (its highest is " + std::to_string(highest) + ")");
  out.version = version;
  out.state = D::to_json(state);
  out.state["version"] = version;
  return out;
}

// Calls fn.template operator()<D>() with the decider of `stream`'s aggregate type (the registry
// of domain/aggregate_types.hpp), or returns `otherwise` for a stream of no known type.
template <class Fn, class R>
R with_stream_decider(std::string_view stream, R otherwise, Fn&& fn) {
  auto type = domain::aggregate_type_of_stream(stream);
  if (!type) return otherwise;
  return domain::with_decider(*type, std::forward<Fn>(fn)).value_or(std::move(otherwise));
}

}  // namespace

replay_result<replayed_aggregate> replay_aggregate(persistence::database& db,
                                                   std::string_view stream,
                                                   const replay_bound& bound,
                                                   const replay_options& options) {
  auto highest = db.events().highest_version(stream);
  if (!highest) {
    if (highest.error().code == persistence::storage_errc::invalid_argument)
      return failure(replay_errc::unknown_stream, stream, "invalid stream id");
    return storage_failure(stream, highest.error());
  }
  if (*highest == 0)
    return failure(replay_errc::unknown_stream, stream,
                   "no event was ever written to " + std::string(stream));
  auto unsupported = failure(replay_errc::unsupported_stream, stream,
                             std::string(stream) + " is the stream of no aggregate type");
  return with_stream_decider(
      stream, replay_result<replayed_aggregate>(unsupported),
      [&]<domain::decider D>() { return replay_as<D>(db, stream, *highest, bound, options); });
}

std::optional<std::string> snapshot_problem(const persistence::snapshot& snapshot) {
  return with_stream_decider(
      snapshot.stream, std::optional<std::string>(),
      [&]<domain::decider D>() -> std::optional<std::string> {
        if (snapshot.schema != D::snapshot_schema)
          return "snapshot schema " + std::to_string(snapshot.schema) + " is not the " +
                 std::string(D::type_name) + " schema " + std::to_string(D::snapshot_schema);
        typename D::state state{};
        remembered_commands remembered;
        if (!decode_aggregate_snapshot<D>(snapshot, state, remembered))
          return "the " + std::string(D::type_name) + " decider cannot load its state";
        return std::nullopt;
      });
}

std::optional<std::string> event_problem(const persistence::recorded_event& event) {
  return with_stream_decider(event.stream, std::optional<std::string>(),
                             [&]<domain::decider D>() -> std::optional<std::string> {
                               auto decoded = decode<D>(event);
                               if (!decoded) return decoded.error().message;
                               return std::nullopt;
                             });
}

}  // namespace ordo::readmodel
