#include "domain/time_format.hpp"

#include <array>
#include <cstdint>

namespace ordo::domain {

namespace {

constexpr std::int64_t ms_per_day = 86'400'000;

// Howard Hinnant's days_from_civil / civil_from_days: proleptic Gregorian calendar, no tables.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil_date {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

civil_date civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

bool is_leap(std::int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr std::array<unsigned, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

void append_digits(std::string& out, std::int64_t value, int width) {
  std::array<char, 20> buffer{};
  for (int i = width - 1; i >= 0; --i) {
    buffer[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer.data(), static_cast<std::size_t>(width));
}

// A left-to-right reader over the text; every read fails softly by returning nullopt.
class scanner {
 public:
  explicit scanner(std::string_view text) : text_(text) {}

  std::optional<unsigned> digits(std::size_t count) {
    if (text_.size() - pos_ < count) return std::nullopt;
    unsigned value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    pos_ += count;
    return value;
  }

  bool literal(std::string_view options) {
    if (pos_ < text_.size() && options.find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<char> peek() const {
    return pos_ < text_.size() ? std::optional<char>(text_[pos_]) : std::nullopt;
  }

  bool at_end() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Milliseconds of a fraction "123456" → 123; at least one digit.
std::optional<std::int64_t> fraction_ms(scanner& in) {
  std::int64_t ms = 0;
  int count = 0;
  while (auto c = in.peek()) {
    if (*c < '0' || *c > '9') break;
    in.digits(1);
    if (count < 3) ms = ms * 10 + (*c - '0');
    ++count;
  }
  if (count == 0) return std::nullopt;
  for (int i = count; i < 3; ++i) ms *= 10;
  return ms;
}

}  // namespace

std::string format_rfc3339(timestamp t) {
  // Four-digit years only: clamp rather than print a malformed text.
  constexpr timestamp earliest = -62'167'219'200'000;  // 0000-01-01T00:00:00.000Z
  constexpr timestamp latest = 253'402'300'799'999;    // 9999-12-31T23:59:59.999Z
  t = t < earliest ? earliest : (t > latest ? latest : t);
  const std::int64_t days = (t >= 0 ? t : t - (ms_per_day - 1)) / ms_per_day;
  std::int64_t ms_of_day = t - days * ms_per_day;
  const civil_date date = civil_from_days(days);
  std::string out;
  out.reserve(24);
  append_digits(out, date.year, 4);
  out += '-';
  append_digits(out, date.month, 2);
  out += '-';
  append_digits(out, date.day, 2);
  out += 'T';
  append_digits(out, ms_of_day / 3'600'000, 2);
  out += ':';
  append_digits(out, ms_of_day / 60'000 % 60, 2);
  out += ':';
  append_digits(out, ms_of_day / 1000 % 60, 2);
  out += '.';
  append_digits(out, ms_of_day % 1000, 3);
  out += 'Z';
  return out;
}

std::optional<timestamp> parse_rfc3339(std::string_view text) {
  scanner in(text);
  const auto year = in.digits(4);
  if (!year || !in.literal("-")) return std::nullopt;
  const auto month = in.digits(2);
  if (!month || !in.literal("-")) return std::nullopt;
  const auto day = in.digits(2);
  if (!day || !in.literal("Tt ")) return std::nullopt;
  const auto hour = in.digits(2);
  if (!hour || !in.literal(":")) return std::nullopt;
  const auto minute = in.digits(2);
  if (!minute || !in.literal(":")) return std::nullopt;
  const auto second = in.digits(2);
  if (!second) return std::nullopt;
  std::int64_t ms = 0;
  if (in.literal(".")) {
    const auto fraction = fraction_ms(in);
    if (!fraction) return std::nullopt;
    ms = *fraction;
  }
  std::int64_t offset_minutes = 0;
  if (!in.literal("Zz")) {
    const bool east = in.peek() == '+';
    if (!in.literal("+-")) return std::nullopt;
    const auto offset_hour = in.digits(2);
    if (!offset_hour || !in.literal(":")) return std::nullopt;
    const auto offset_minute = in.digits(2);
    if (!offset_minute || *offset_hour > 23 || *offset_minute > 59) return std::nullopt;
    offset_minutes =
        (east ? 1 : -1) * static_cast<std::int64_t>(*offset_hour * 60 + *offset_minute);
  }
  if (!in.at_end()) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month)) {
    return std::nullopt;
  }
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  const std::int64_t days = days_from_civil(*year, *month, *day);
  const std::int64_t seconds = days * 86'400 + *hour * 3600 + *minute * 60 + *second;
  return (seconds - offset_minutes * 60) * 1000 + ms;
}

}  // namespace ordo::domain
