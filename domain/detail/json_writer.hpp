// Internal: appends compact JSON to a string without building a DOM, byte for byte as
// compact_json() (nlohmann's dump(-1) with invalid UTF-8 replaced) writes the same value.
//
// The caller writes each object's keys in the order nlohmann keeps them, which is sorted by
// bytes ("amount_cents" < "order_id" < "token"); the tests compare every writer with the DOM's
// dump. Strings are escaped as nlohmann escapes them: \" \\ \b \f \n \r \t, other bytes below
// 0x20 as \u00xx, well-formed UTF-8 copied as it is; a string that is not well-formed UTF-8 (rare:
// the HTTP front refuses such bodies) goes through nlohmann itself, whose replacement rules are
// intricate.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace ordo::domain::detail {

// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool is_utf8(std::string_view text);

// Appends `text` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view text);

class json_writer {
 public:
  // REQUIRES: `out` outlives the writer. Appends to what `out` holds.
  explicit json_writer(std::string& out) : out_(out) {}

  void begin_object() {
    before_value();
    out_ += '{';
    first_ = true;
  }
  void end_object() {
    out_ += '}';
    first_ = false;
  }
  void begin_array() {
    before_value();
    out_ += '[';
    first_ = true;
  }
  void end_array() {
    out_ += ']';
    first_ = false;
  }

  // The key of the next member; its value follows.
  void key(std::string_view name) {
    if (!first_) out_ += ',';
    append_json_string(out_, name);
    out_ += ':';
    after_key_ = true;
  }

  void text(std::string_view value) {
    before_value();
    append_json_string(out_, value);
  }
  void integer(std::int64_t value) {
    before_value();
    append_number(value);
  }
  void unsigned_integer(std::uint64_t value) {
    before_value();
    append_number(value);
  }
  void boolean(bool value) {
    before_value();
    out_ += value ? "true" : "false";
  }
  void null() {
    before_value();
    out_ += "null";
  }

  // key() then the value.
  void member(std::string_view name, std::string_view value) {
    key(name);
    text(value);
  }
  void member(std::string_view name, const std::string& value) {
    member(name, std::string_view(value));
  }
  void member(std::string_view name, const char* value) { member(name, std::string_view(value)); }
  void member(std::string_view name, std::int64_t value) {
    key(name);
    integer(value);
  }
  void member(std::string_view name, std::uint64_t value) {
    key(name);
    unsigned_integer(value);
  }
  void member(std::string_view name, std::uint32_t value) {
    key(name);
    unsigned_integer(value);
  }
  void member(std::string_view name, bool value) {
    key(name);
    boolean(value);
  }

 private:
  // A value after a key takes no comma; an array element after another takes one.
  void before_value() {
    if (after_key_) {
      after_key_ = false;
    } else if (!first_) {
      out_ += ',';
    }
    first_ = false;
  }

  template <class Integer>
  void append_number(Integer value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out_.append(digits, end);
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace ordo::domain::detail
