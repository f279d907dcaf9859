#include "domain/snapshot_codec.hpp"

#include "domain/codec.hpp"

namespace ordo::domain {

std::unexpected<error> unreadable_snapshot(std::string_view aggregate, std::uint32_t schema,
                                           std::string_view why, std::vector<field_error> fields) {
  std::string message = "cannot load " + std::string(aggregate) + " snapshot (schema " +
                        std::to_string(schema) + "): " + std::string(why);
  return std::unexpected(
      error{error_code::validation_failed, std::move(message), {}, std::move(fields)});
}

std::string write_snapshot(nlohmann::json state, std::uint32_t schema) {
  nlohmann::json snapshot = nlohmann::json::object();
  snapshot["schema"] = schema;
  snapshot["state"] = std::move(state);
  return compact_json(snapshot);
}

result<nlohmann::json> read_snapshot(std::string_view bytes, std::uint32_t schema,
                                     std::uint32_t expected, std::string_view aggregate) {
  if (schema != expected) {
    return unreadable_snapshot(aggregate, schema,
                               "this build reads schema " + std::to_string(expected));
  }
  try {
    auto snapshot = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (snapshot.is_discarded() || !snapshot.is_object()) {
      return unreadable_snapshot(aggregate, schema, "not a JSON object");
    }
    const auto tag = snapshot.find("schema");
    if (tag == snapshot.end() || !tag->is_number_unsigned() ||
        tag->get<std::uint64_t>() != expected) {
      return unreadable_snapshot(aggregate, schema, "the schema tag inside is missing or differs");
    }
    const auto state = snapshot.find("state");
    if (state == snapshot.end() || !state->is_object()) {
      return unreadable_snapshot(aggregate, schema, "no state object");
    }
    return std::move(*state);
  } catch (const std::exception& e) {
    return unreadable_snapshot(aggregate, schema, e.what());
  }
}

}  // namespace ordo::domain
