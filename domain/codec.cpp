#include "domain/codec.hpp"

namespace ordo::domain {

std::string compact_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void upcaster_registry::declare(std::string_view type, std::uint32_t current_version) {
  auto it = types_.find(type);
  if (it == types_.end()) it = types_.emplace(std::string(type), type_versions{}).first;
  it->second.current = current_version;
}

void upcaster_registry::add_step(std::string_view type, std::uint32_t from_version, step upcast) {
  auto it = types_.find(type);
  if (it == types_.end()) it = types_.emplace(std::string(type), type_versions{}).first;
  it->second.steps[from_version] = std::move(upcast);
  if (it->second.current < from_version + 1) it->second.current = from_version + 1;
}

std::optional<std::uint32_t> upcaster_registry::current_version(std::string_view type) const {
  const auto it = types_.find(type);
  if (it == types_.end()) return std::nullopt;
  return it->second.current;
}

result<nlohmann::json> upcaster_registry::upcast(std::string_view type, std::uint32_t version,
                                                 nlohmann::json data) const {
  const auto it = types_.find(type);
  if (it == types_.end()) return undecodable(type, version, "unknown event type");
  const type_versions& versions = it->second;
  if (version == 0) return undecodable(type, version, "schema versions count from 1");
  if (version > versions.current) {
    return undecodable(type, version,
                       "schema version " + std::to_string(version) + " is newer than the current " +
                           std::to_string(versions.current));
  }
  for (std::uint32_t v = version; v < versions.current; ++v) {
    const auto step = versions.steps.find(v);
    if (step == versions.steps.end()) {
      return undecodable(
          type, version,
          "no upcaster from v" + std::to_string(v) + " to v" + std::to_string(v + 1));
    }
    try {
      data = step->second(std::move(data));
    } catch (const std::exception& e) {
      return undecodable(type, version,
                         "upcaster from v" + std::to_string(v) + " failed: " + e.what());
    }
  }
  return data;
}

std::unexpected<error> undecodable(std::string_view type, std::uint32_t version,
                                   std::string_view why, std::vector<field_error> fields) {
  std::string message = "cannot decode " + std::string(type) + " v" + std::to_string(version) +
                        ": " + std::string(why);
  return std::unexpected(
      error{error_code::validation_failed, std::move(message), {}, std::move(fields)});
}

}  // namespace ordo::domain
