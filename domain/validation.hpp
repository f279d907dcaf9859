// Input checks shared by the deciders: ids, ranges, texts, enumerations. Each failed check records
// one field_error with the field's JSON path, so a client learns every bad field at once.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace ordo::domain {

inline constexpr std::size_t max_id_length = 64;

// True if `id` matches ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ (order, customer, sku and saga ids).
bool is_valid_id(std::string_view id);

// Collects the field errors of one command. Run every check, then `if (!check.ok()) return
// check.failure();`.
class field_checks {
 public:
  // An id per is_valid_id.
  void id(std::string path, std::string_view value);
  // An integer within [min, max].
  void range(std::string path, std::int64_t value, std::int64_t min, std::int64_t max);
  // A non-empty text of at most `max_length` bytes.
  void text(std::string path, std::string_view value, std::size_t max_length);
  // One of a fixed set of values (payment tokens, reasons).
  void one_of(std::string path, std::string_view value, std::span<const std::string_view> allowed);
  void add(std::string path, std::string message);

  bool ok() const { return errors_.empty(); }
  const std::vector<field_error>& errors() const { return errors_; }
  // REQUIRES: !ok(). A validation_failed error listing every recorded field.
  std::unexpected<error> failure() const { return invalid(errors_); }

 private:
  std::vector<field_error> errors_;
};

}  // namespace ordo::domain
