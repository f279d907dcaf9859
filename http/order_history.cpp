#include "http/order_history.hpp"

#include <string>

#include "domain/deciders.hpp"

namespace ordo::http {

namespace {

constexpr std::uint64_t chunk = 1024;

bool within(const persistence::recorded_event& e, const history_bound& bound) {
  if (bound.version) return e.version <= *bound.version;
  return e.timestamp_ms <= *bound.at;
}

persistence::storage_error cannot_fold(const persistence::recorded_event& e, std::string why) {
  persistence::storage_error err{persistence::storage_errc::corrupt,
                                 "cannot read " + e.type + " of " + e.stream + " at version " +
                                     std::to_string(e.version) + ": " + std::move(why)};
  err.stream = e.stream;
  err.version = e.version;
  err.position = e.position;
  return err;
}

}  // namespace

persistence::result<std::optional<nlohmann::json>> order_as_of(const persistence::journal& journal,
                                                               std::string_view order_id,
                                                               const history_bound& bound) {
  using decider = domain::order_decider;
  auto stream = std::string(decider::type_name) + "-" + std::string(order_id);
  decider::state state{};
  std::uint64_t version = 0;
  for (std::uint64_t from = 1;; from += chunk) {
    auto events = journal.read(stream, from, persistence::unbounded, chunk);
    if (!events) return std::unexpected(events.error());
    for (const auto& e : *events) {
      if (!within(e, bound)) break;
      // Earlier events were truncated: the state before them cannot be rebuilt from the journal.
      if (e.version != version + 1) return std::nullopt;
      auto event = decider::decode({e.type, e.schema_version, e.data});
      if (!event) return std::unexpected(cannot_fold(e, event.error().message));
      decider::evolve(state, *event, e.timestamp_ms);
      version = e.version;
    }
    bool passed_bound = !events->empty() && !within(events->back(), bound);
    if (events->size() < chunk || passed_bound) break;
  }
  if (version == 0 || !decider::exists(state) || (bound.version && version != *bound.version))
    return std::nullopt;
  auto json = decider::to_json(state);
  json["version"] = version;
  return json;
}

}  // namespace ordo::http
