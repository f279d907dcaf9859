// Typed, non-throwing reads of JSON objects (event data, snapshots). A missing field or a field of
// the wrong type records a field_error with its JSON path ("items[0].quantity") and yields a
// default value; read every field, then check the error list.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace ordo::domain {

class json_reader {
 public:
  // REQUIRES: `value` and `errors` outlive the reader. Records an error at `path` if `value` is
  // not an object; reads from such a reader then only yield defaults.
  json_reader(const nlohmann::json& value, std::vector<field_error>& errors, std::string path = {});

  std::string text(std::string_view key);
  // Absent or null gives nullopt; any other non-string is an error.
  std::optional<std::string> optional_text(std::string_view key);
  // Integers only: 1.0 is an error, money and counts are never floating point.
  std::int64_t integer(std::string_view key);
  // true or false only: 0, 1 and "true" are errors.
  bool boolean(std::string_view key);
  // An array of strings (sets of ids and the like).
  std::vector<std::string> texts(std::string_view key);

  // A string mapped through `parse(std::string_view) -> std::optional<T>` (status names and the
  // like); a value that `parse` does not know is an error and gives `fallback`.
  template <class T, class Parse>
  T enumerated(std::string_view key, Parse parse, T fallback) {
    const std::optional<std::string> name = text_if_present(key);
    if (!name) return fallback;
    if (auto value = parse(*name)) return *value;
    add_error(key, "has an unknown value \"" + *name + "\"");
    return fallback;
  }

  // Reads a nested object with `read(json_reader&)`; absent or null gives nullopt.
  template <class Read>
  auto optional_object(std::string_view key, Read read)
      -> std::optional<decltype(read(std::declval<json_reader&>()))> {
    const nlohmann::json* found = find(key);
    if (found == nullptr || found->is_null()) return std::nullopt;
    json_reader nested(*found, errors_, child_path(key));
    return read(nested);
  }

  // Reads an array of objects, each with `read(json_reader&)`.
  template <class Read>
  auto array(std::string_view key, Read read)
      -> std::vector<decltype(read(std::declval<json_reader&>()))> {
    std::vector<decltype(read(std::declval<json_reader&>()))> out;
    const nlohmann::json* found = find(key);
    if (found == nullptr) {
      missing(key);
    } else if (!found->is_array()) {
      wrong_type(key, "an array");
    } else {
      out.reserve(found->size());
      for (std::size_t i = 0; i < found->size(); ++i) {
        json_reader element((*found)[i], errors_, child_path(key) + "[" + std::to_string(i) + "]");
        out.push_back(read(element));
      }
    }
    return out;
  }

  // Records a field whose value has the right type but a meaning this reader does not know.
  void add_error(std::string_view key, std::string message);

  bool ok() const { return errors_.empty(); }

 private:
  // The string, or nullopt after recording why there is none.
  std::optional<std::string> text_if_present(std::string_view key);
  // The field, or nullptr when absent (or when this reader is not over an object).
  const nlohmann::json* find(std::string_view key) const;
  std::string child_path(std::string_view key) const;
  void missing(std::string_view key);
  void wrong_type(std::string_view key, std::string_view expected);

  const nlohmann::json& value_;
  std::vector<field_error>& errors_;
  std::string path_;
};

}  // namespace ordo::domain
