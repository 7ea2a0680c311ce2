#include "hondana/base/text.h"

#include <gtest/gtest.h>

using namespace hondana;

TEST(PercentEncode, keeps_unreserved_characters_and_encodes_every_other_byte)
{
    EXPECT_EQ(base::percent_encode("Az09-._~"), "Az09-._~");
    EXPECT_EQ(base::percent_encode("a b&c=d/e?f#g%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%25");
    EXPECT_EQ(base::percent_encode("きつね"), "%E3%81%8D%E3%81%A4%E3%81%AD");
    EXPECT_EQ(base::percent_encode(std::string_view("\0\xff", 2)), "%00%FF");
    EXPECT_EQ(base::percent_encode(""), "");
}

TEST(HexDigit, reads_both_cases_and_refuses_the_rest)
{
    EXPECT_EQ(base::hex_digit('0'), 0);
    EXPECT_EQ(base::hex_digit('9'), 9);
    EXPECT_EQ(base::hex_digit('a'), 10);
    EXPECT_EQ(base::hex_digit('F'), 15);
    for (char c : { 'g', 'G', '/', ':', '@', '`', ' ', '\0' })
        EXPECT_EQ(base::hex_digit(c), -1) << c;
}
