// How events cross into bytes: encoded_event (type, schema version, compact JSON data) and the
// upcaster_registry that brings data written by older schema versions up to the current one.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace ordo::domain {

struct encoded_event {
  std::string type;                  // e.g. "ItemAdded"
  std::uint32_t schema_version = 1;  // the shape of `data`; counts from 1 per type
  std::string data;                  // compact JSON text, snake_case field names
  bool operator==(const encoded_event&) const = default;
};

// Compact JSON text that never throws: invalid UTF-8 in strings becomes U+FFFD.
std::string compact_json(const nlohmann::json& value);

// Knows, per event type, the schema version written today and the steps that turn the data of
// version v into version v + 1. Decoding runs the chain so deciders only ever see current data.
class upcaster_registry {
 public:
  using step = std::function<nlohmann::json(nlohmann::json)>;

  // Events of `type` are written at `current_version` (>= 1).
  void declare(std::string_view type, std::uint32_t current_version);
  // Registers the step from `from_version` to `from_version + 1`; raises the type's current
  // version to at least `from_version + 1` (declaring the type if needed).
  void add_step(std::string_view type, std::uint32_t from_version, step upcast);

  // nullopt for an undeclared type.
  std::optional<std::uint32_t> current_version(std::string_view type) const;

  // Returns `data` (written at `version`) as of the type's current version. Fails with
  // validation_failed, naming the type and version, when the type is unknown, the version is 0 or
  // newer than current, a step is missing, or a step throws. Never throws.
  result<nlohmann::json> upcast(std::string_view type, std::uint32_t version,
                                nlohmann::json data) const;

 private:
  struct type_versions {
    std::uint32_t current = 1;
    std::map<std::uint32_t, step> steps;  // from_version -> step to from_version + 1
  };
  std::map<std::string, type_versions, std::less<>> types_;
};

// A validation_failed error for stored bytes that cannot be read, e.g.
// "cannot decode ItemAdded v3: schema version 3 is newer than the current 2".
std::unexpected<error> undecodable(std::string_view type, std::uint32_t version,
                                   std::string_view why, std::vector<field_error> fields = {});

}  // namespace ordo::domain
