// Internal: encodes and decodes an aggregate's event variant given per-event write/read functions.
// Each alternative E provides `E::type_name` and `E::schema_version`; the caller provides
// `write(const E&) -> nlohmann::json` and `read(json_reader&, std::type_identity<E>) -> E`.
#pragma once

#include <array>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "domain/codec.hpp"
#include "domain/detail/json_writer.hpp"
#include "domain/event_upcasters.hpp"
#include "domain/json_reader.hpp"

namespace ordo::domain::detail {

template <class Variant, class Write>
encoded_event encode_variant(const Variant& event, Write write) {
  return std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        return encoded_event{std::string(E::type_name), E::schema_version, compact_json(write(e))};
      },
      event);
}

// The same bytes as encode_variant, written by `write(const E&, json_writer&)` without a DOM.
template <class Variant, class Write>
encoded_event write_variant(const Variant& event, Write write) {
  return std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        encoded_event out{std::string(E::type_name), E::schema_version, {}};
        json_writer json(out.data);
        write(e, json);
        return out;
      },
      event);
}

template <class Variant, class Read, std::size_t... I>
result<Variant> read_alternative(const encoded_event& encoded, const nlohmann::json& data,
                                 Read& read, std::index_sequence<I...>) {
  std::optional<result<Variant>> out;
  auto try_alternative = [&]<std::size_t J>() {
    using E = std::variant_alternative_t<J, Variant>;
    if (out || E::type_name != encoded.type) return;
    std::vector<field_error> errors;
    json_reader reader(data, errors);
    E event = read(reader, std::type_identity<E>{});
    if (errors.empty()) {
      out = Variant(std::in_place_index<J>, std::move(event));
    } else {
      const std::string first = errors.front().field + ": " + errors.front().message;
      out = undecodable(encoded.type, encoded.schema_version, first, std::move(errors));
    }
  };
  (try_alternative.template operator()<I>(), ...);
  return std::move(*out);
}

// Never throws: malformed JSON, an unknown type, an unreadable version or a wrong field type
// all come back as validation_failed naming the type and version.
template <class Variant, class Read>
result<Variant> decode_variant(const encoded_event& encoded, std::string_view aggregate,
                               Read read) {
  constexpr auto count = std::variant_size_v<Variant>;
  const bool known = [&]<std::size_t... I>(std::index_sequence<I...>) {
    return ((std::variant_alternative_t<I, Variant>::type_name == encoded.type) || ...);
  }
  (std::make_index_sequence<count>{});
  if (!known) {
    return undecodable(encoded.type, encoded.schema_version,
                       "not a known " + std::string(aggregate) + " event type");
  }
  try {
    auto data = nlohmann::json::parse(encoded.data, nullptr, /*allow_exceptions=*/false);
    if (data.is_discarded()) {
      return undecodable(encoded.type, encoded.schema_version, "data is not valid JSON");
    }
    if (!data.is_object()) {
      return undecodable(encoded.type, encoded.schema_version, "data is not a JSON object");
    }
    auto current = event_upcasters().upcast(encoded.type, encoded.schema_version, std::move(data));
    if (!current) return std::unexpected(std::move(current.error()));
    return read_alternative<Variant>(encoded, *current, read, std::make_index_sequence<count>{});
  } catch (const std::exception& e) {
    return undecodable(encoded.type, encoded.schema_version, e.what());
  }
}

}  // namespace ordo::domain::detail
