#include "domain/validation.hpp"

namespace ordo::domain {

namespace {

bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > max_id_length || !is_alnum(id.front())) return false;
  for (char c : id.substr(1)) {
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

void field_checks::id(std::string path, std::string_view value) {
  if (value.empty()) {
    add(std::move(path), "is required");
  } else if (!is_valid_id(value)) {
    add(std::move(path), "must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
  }
}

void field_checks::range(std::string path, std::int64_t value, std::int64_t min, std::int64_t max) {
  if (value < min || value > max) {
    add(std::move(path), "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                             ", not " + std::to_string(value));
  }
}

void field_checks::text(std::string path, std::string_view value, std::size_t max_length) {
  if (value.empty()) {
    add(std::move(path), "must not be empty");
  } else if (value.size() > max_length) {
    add(std::move(path), "must be at most " + std::to_string(max_length) + " bytes");
  }
}

void field_checks::one_of(std::string path, std::string_view value,
                          std::span<const std::string_view> allowed) {
  std::string list;
  for (std::string_view candidate : allowed) {
    if (candidate == value) return;
    list += list.empty() ? "" : ", ";
    list += candidate;
  }
  add(std::move(path), "must be one of " + list);
}

void field_checks::add(std::string path, std::string message) {
  errors_.push_back(field_error{std::move(path), std::move(message)});
}

}  // namespace ordo::domain
