#include "readmodel/projections/json_text.hpp"

#include <cassert>
#include <charconv>

#include "domain/codec.hpp"

namespace ordo::readmodel::projections {
namespace {

// Printable ASCII other than the quote and the backslash: nlohmann writes it unchanged.
bool needs_no_escape(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
  return true;
}

template <class N>
void append_number(std::string& out, N number) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, end);
}

}  // namespace

void json_text::open(char bracket) {
  before_value();
  out_.push_back(bracket);
  first_.push_back(true);
}

void json_text::close(char bracket) {
  assert(!first_.empty() && !after_key_);
  first_.pop_back();
  out_.push_back(bracket);
}

void json_text::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) out_.push_back(',');
  first_.back() = false;
}

void json_text::key(std::string_view name) {
  assert(!after_key_ && !first_.empty());
  before_value();
  append_string(name);
  out_.push_back(':');
  after_key_ = true;
}

void json_text::value(std::string_view text) {
  before_value();
  append_string(text);
}

void json_text::append_string(std::string_view text) {
  if (needs_no_escape(text)) {
    out_.push_back('"');
    out_.append(text);
    out_.push_back('"');
  } else {
    out_.append(domain::compact_json(nlohmann::json(std::string(text))));
  }
}

void json_text::value(std::int64_t number) {
  before_value();
  append_number(out_, number);
}

void json_text::value(std::uint64_t number) {
  before_value();
  append_number(out_, number);
}

}  // namespace ordo::readmodel::projections
