// RFC 3339 timestamps: format, parse, round-trip, and refusal of anything else.
#include "domain/time_format.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace ordo::domain {
namespace {

TEST(TimeFormat, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(1'795'430'520'123), "2026-11-23T10:42:00.123Z");
  EXPECT_EQ(format_rfc3339(1'709'251'199'999), "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TimeFormat, ClampsToFourDigitYears) {
  EXPECT_EQ(format_rfc3339(std::numeric_limits<timestamp>::max()), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(std::numeric_limits<timestamp>::min()), "0000-01-01T00:00:00.000Z");
}

TEST(TimeFormat, ParsesWhatItFormats) {
  for (timestamp t = -400LL * 366 * 86'400'000; t < 400LL * 366 * 86'400'000;
       t += 7 * 86'400'000 + 3'723'456) {
    const auto parsed = parse_rfc3339(format_rfc3339(t));
    ASSERT_TRUE(parsed) << format_rfc3339(t);
    EXPECT_EQ(*parsed, t);
  }
}

TEST(TimeFormat, ParsesOffsetsAndFractions) {
  const timestamp t = 1'795'430'520'123;
  EXPECT_EQ(parse_rfc3339("2026-11-23T10:42:00.123Z"), t);
  EXPECT_EQ(parse_rfc3339("2026-11-23T11:42:00.123+01:00"), t);
  EXPECT_EQ(parse_rfc3339("2026-11-23T05:12:00.123-05:30"), t);
  EXPECT_EQ(parse_rfc3339("2026-11-23t10:42:00.123z"), t);
  EXPECT_EQ(parse_rfc3339("2026-11-23 10:42:00.123Z"), t);
  EXPECT_EQ(parse_rfc3339("2026-11-23T10:42:00.123999999Z"), t);  // truncated, not rounded
  EXPECT_EQ(parse_rfc3339("2026-11-23T10:42:00.1Z"), t - 23);
  EXPECT_EQ(parse_rfc3339("2026-11-23T10:42:00Z"), t - 123);
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z"), 1'709'164'800'000);
}

TEST(TimeFormat, RejectsGarbage) {
  for (std::string_view text : {"",
                                "now",
                                "2026-11-23",
                                "2026-11-23T10:42",
                                "2026-11-23T10:42:00",
                                "2026-11-23T10:42:00.Z",
                                "2026-11-23T10:42:00.123",
                                "2026-11-23T10:42:00.123Z ",
                                " 2026-11-23T10:42:00Z",
                                "2026-13-01T00:00:00Z",
                                "2026-00-01T00:00:00Z",
                                "2026-02-29T00:00:00Z",
                                "2026-04-31T00:00:00Z",
                                "2026-11-00T00:00:00Z",
                                "2026-11-23T24:00:00Z",
                                "2026-11-23T10:60:00Z",
                                "2026-11-23T23:59:60Z",
                                "2026-11-23T10:42:00+24:00",
                                "2026-11-23T10:42:00+01",
                                "2026-11-23T10:42:00+0100",
                                "26-11-23T10:42:00Z",
                                "2026-1-23T10:42:00Z",
                                "2026/11/23T10:42:00Z",
                                "+2026-11-23T10:42:00Z",
                                "2026-11-23T10:42:00ZZ",
                                "２０２６-11-23T10:42:00Z"}) {
    EXPECT_EQ(parse_rfc3339(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace ordo::domain
