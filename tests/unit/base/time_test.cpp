#include "hondana/base/time.h"

#include <gtest/gtest.h>

using namespace hondana::base;
using namespace std::chrono;

TEST(Rfc3339, parses_utc_with_z)
{
    auto t = parse_rfc3339("2020-07-30T10:53:13Z");
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->time_since_epoch().count(), 1596106393);
}

TEST(Rfc3339, applies_offsets_to_reach_utc)
{
    auto jst = parse_rfc3339("2020-07-30T19:53:13+09:00");
    auto utc = parse_rfc3339("2020-07-30T10:53:13Z");
    ASSERT_TRUE(jst && utc);
    EXPECT_EQ(*jst, *utc);
    auto west = parse_rfc3339("2020-07-30T05:53:13-05:00");
    ASSERT_TRUE(west);
    EXPECT_EQ(*west, *utc);
}

TEST(Rfc3339, truncates_fractional_seconds)
{
    auto t = parse_rfc3339("2020-07-30T10:53:13.999Z");
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(format_rfc3339(*t), "2020-07-30T10:53:13Z");
}

TEST(Rfc3339, rejects_malformed_text)
{
    for (const char* bad : { "", "2020-07-30", "2020-07-30T10:53:13", "2020-13-01T00:00:00Z", "2021-02-29T00:00:00Z",
             "2020-07-30T24:00:00Z", "2020-07-30T10:53:13Zjunk", "2020-07-30 10:53:13Z", "2020-07-30T10:53:13+0900",
             "2020-07-30T10:53:13.Z", "20x0-07-30T10:53:13Z" }) {
        EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
    }
}

TEST(Rfc3339, accepts_leap_day)
{
    EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z").has_value());
}

TEST(Rfc3339, formats_round_trip)
{
    Timestamp t { seconds { 1796000000 } };
    EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
}

TEST(Rfc3339, formats_milliseconds_for_logs)
{
    system_clock::time_point t { milliseconds { 1596106393123 } };
    EXPECT_EQ(format_rfc3339_millis(t), "2020-07-30T10:53:13.123Z");
}

TEST(Rfc3339, formats_dates_before_epoch)
{
    auto t = parse_rfc3339("1969-12-31T23:59:59Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_rfc3339(*t), "1969-12-31T23:59:59Z");
}
