#include "domain/json_reader.hpp"

#include <limits>

namespace ordo::domain {

json_reader::json_reader(const nlohmann::json& value, std::vector<field_error>& errors,
                         std::string path)
    : value_(value), errors_(errors), path_(std::move(path)) {
  if (!value_.is_object()) errors_.push_back({path_, "must be an object"});
}

std::string json_reader::text(std::string_view key) {
  return text_if_present(key).value_or(std::string());
}

std::optional<std::string> json_reader::text_if_present(std::string_view key) {
  const nlohmann::json* found = find(key);
  if (found == nullptr) {
    missing(key);
  } else if (!found->is_string()) {
    wrong_type(key, "a string");
  } else {
    return found->get_ref<const std::string&>();
  }
  return std::nullopt;
}

std::optional<std::string> json_reader::optional_text(std::string_view key) {
  const nlohmann::json* found = find(key);
  if (found == nullptr || found->is_null()) return std::nullopt;
  if (!found->is_string()) {
    wrong_type(key, "a string");
    return std::nullopt;
  }
  return found->get_ref<const std::string&>();
}

std::int64_t json_reader::integer(std::string_view key) {
  const nlohmann::json* found = find(key);
  if (found == nullptr) {
    missing(key);
  } else if (found->is_number_unsigned()) {
    const auto value = found->get<std::uint64_t>();
    if (value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(value);
    }
    errors_.push_back({child_path(key), "is out of range"});
  } else if (found->is_number_integer()) {
    return found->get<std::int64_t>();
  } else {
    wrong_type(key, "an integer");
  }
  return 0;
}

bool json_reader::boolean(std::string_view key) {
  const nlohmann::json* found = find(key);
  if (found == nullptr) {
    missing(key);
  } else if (!found->is_boolean()) {
    wrong_type(key, "true or false");
  } else {
    return found->get<bool>();
  }
  return false;
}

std::vector<std::string> json_reader::texts(std::string_view key) {
  std::vector<std::string> out;
  const nlohmann::json* found = find(key);
  if (found == nullptr) {
    missing(key);
  } else if (!found->is_array()) {
    wrong_type(key, "an array");
  } else {
    out.reserve(found->size());
    for (std::size_t i = 0; i < found->size(); ++i) {
      const nlohmann::json& element = (*found)[i];
      if (element.is_string()) {
        out.push_back(element.get_ref<const std::string&>());
      } else {
        errors_.push_back({child_path(key) + "[" + std::to_string(i) + "]", "must be a string"});
      }
    }
  }
  return out;
}

void json_reader::add_error(std::string_view key, std::string message) {
  errors_.push_back({child_path(key), std::move(message)});
}

const nlohmann::json* json_reader::find(std::string_view key) const {
  if (!value_.is_object()) return nullptr;
  const auto it = value_.find(std::string(key));
  return it == value_.end() ? nullptr : &*it;
}

std::string json_reader::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void json_reader::missing(std::string_view key) {
  if (value_.is_object()) errors_.push_back({child_path(key), "is required"});
}

void json_reader::wrong_type(std::string_view key, std::string_view expected) {
  errors_.push_back({child_path(key), "must be " + std::string(expected)});
}

}  // namespace ordo::domain
