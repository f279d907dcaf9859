// Internal: a forward-only reader of plain JSON, for decoders that must not build a DOM per event
// (replays and rebuilds read millions of them) and for command bodies (one per command).
//
// It reads objects, arrays, strings of printable ASCII without escapes, integers of at most 18
// digits (they always fit std::int64_t) and null, with JSON whitespace anywhere between tokens;
// skip_value() also passes over true and false. Anything else (an escape, a byte outside
// 0x20..0x7E, a fraction, an exponent, a longer number, a syntax error) makes it fail: every read
// returns false from then on and failed() is true. It never says a text is invalid JSON, only that
// it is not of this plain kind, so a caller that fails falls back to the DOM decoder, which gives
// the answer and the error message. Whatever it does read, it reads as nlohmann's parser does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ordo::domain::detail {

class json_scanner {
 public:
  // REQUIRES: `text` outlives the scanner and every view it hands out.
  explicit json_scanner(std::string_view text)
      : at_(text.data()), end_(text.data() + text.size()) {}

  bool failed() const { return failed_; }

  // Consumes '{'. Then call next_key() until it returns false: at the closing '}' (consumed,
  // failed() is false) or at anything else (failed() is true). Read each key's value before
  // asking for the next key.
  bool begin_object() { return open('{'); }

  // Consumes the ',' before a member (not before the first), the key and its ':'. `key` views the
  // text.
  bool next_key(std::string_view& key) {
    if (!next_item('}')) return false;
    return text(key) && expect(':');
  }

  // Consumes '['. Then call next_element() before each element until it returns false, as with
  // next_key().
  bool begin_array() { return open('['); }
  bool next_element() { return next_item(']'); }

  // A string; the view is into the text.
  bool text(std::string_view& out) {
    if (!expect('"')) return false;
    const char* start = at_;
    while (at_ != end_ && *at_ != '"') {
      if (*at_ < 0x20 || *at_ > 0x7E || *at_ == '\\') return fail();
      ++at_;
    }
    if (at_ == end_) return fail();
    out = std::string_view(start, static_cast<std::size_t>(at_ - start));
    ++at_;
    return true;
  }

  bool text(std::string& out) {
    std::string_view view;
    if (!text(view)) return false;
    out.assign(view);
    return true;
  }

  // -?(0|[1-9][0-9]{0,17}); the token that follows is checked by the read after it, so "1.5",
  // "1e3" and a 19th digit fail there.
  bool integer(std::int64_t& out) {
    skip_whitespace();
    bool negative = at_ != end_ && *at_ == '-';
    if (negative) ++at_;
    const char* first = at_;
    std::int64_t value = 0;
    while (at_ != end_ && *at_ >= '0' && *at_ <= '9' && at_ - first < 18)
      value = value * 10 + (*at_++ - '0');
    if (at_ == first || (*first == '0' && at_ - first > 1)) return fail();
    out = negative ? -value : value;
    return true;
  }

  // Consumes a null if one comes next; returns whether it did. Never fails by itself.
  bool null() {
    if (failed_) return false;
    skip_whitespace();
    if (end_ - at_ < 4 || std::string_view(at_, 4) != "null") return false;
    at_ += 4;
    return true;
  }

  // Skips one value of the kinds above, or true or false, or an array or object of them nested
  // at most `max_depth` levels: the members a reader does not know.
  bool skip_value(int max_depth = 8) {
    skip_whitespace();
    if (failed_ || at_ == end_) return fail();
    switch (*at_) {
      case '"': {
        std::string_view ignored;
        return text(ignored);
      }
      case '{': {
        if (max_depth == 0 || !begin_object()) return fail();
        for (std::string_view key; next_key(key);)
          if (!skip_value(max_depth - 1)) return false;
        return !failed_;
      }
      case '[': {
        if (max_depth == 0 || !begin_array()) return fail();
        while (next_element())
          if (!skip_value(max_depth - 1)) return false;
        return !failed_;
      }
      case 'n':
        return null() || fail();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      default: {
        std::int64_t ignored;
        return integer(ignored);
      }
    }
  }

  // True when only whitespace is left after what was read (and nothing failed).
  bool at_end() {
    skip_whitespace();
    return !failed_ && at_ == end_;
  }

 private:
  bool fail() {
    failed_ = true;
    at_ = end_;
    return false;
  }

  bool literal(std::string_view word) {
    if (end_ - at_ < static_cast<std::ptrdiff_t>(word.size()) ||
        std::string_view(at_, word.size()) != word)
      return fail();
    at_ += word.size();
    return true;
  }

  void skip_whitespace() {
    while (at_ != end_ && (*at_ == ' ' || *at_ == '\n' || *at_ == '\r' || *at_ == '\t')) ++at_;
  }

  bool expect(char c) {
    skip_whitespace();
    if (at_ == end_ || *at_ != c) return fail();
    ++at_;
    return true;
  }

  bool open(char c) {
    if (!expect(c)) return false;
    first_ = true;
    return true;
  }

  // Before a member or element: the closing `close` (consumed, false), else the ',' between
  // items (consumed), or nothing before the first.
  bool next_item(char close) {
    skip_whitespace();
    if (at_ == end_) return fail();
    if (*at_ == close) {
      ++at_;
      first_ = false;  // the enclosing container has at least this member
      return false;
    }
    if (!first_ && !expect(',')) return false;
    first_ = false;
    return true;
  }

  const char* at_;
  const char* end_;
  bool first_ = false;
  bool failed_ = false;
};

}  // namespace ordo::domain::detail
