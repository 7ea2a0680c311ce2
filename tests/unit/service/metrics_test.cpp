#include "api/routes_metrics.h"
#include "lending/metrics.h"

#include <gtest/gtest.h>

using namespace hondana;

TEST(MetricsAccess, only_loopback_addresses_may_scrape)
{
    EXPECT_TRUE(api::is_loopback("127.0.0.1:5000"));
    EXPECT_TRUE(api::is_loopback("127.8.9.10:1"));
    EXPECT_TRUE(api::is_loopback("::1:443"));
    EXPECT_TRUE(api::is_loopback("::ffff:127.0.0.1:80"));
    EXPECT_FALSE(api::is_loopback("10.0.0.1:5000"));
    EXPECT_FALSE(api::is_loopback("2001:db8::1:443"));
    EXPECT_FALSE(api::is_loopback("::ffff:10.1.2.3:80"));
    EXPECT_FALSE(api::is_loopback("1127.0.0.1:80"));
}

TEST(MetricsText, label_values_are_escaped)
{
    EXPECT_EQ(lending::metric_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    EXPECT_EQ(lending::metric_label("/v1/titles/{id}"), "/v1/titles/{id}");
}
