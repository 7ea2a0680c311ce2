#include "hondana/base/result.h"

#include <gtest/gtest.h>

namespace {

enum class Kind { Bad, Worse };
template<typename T>
using R = hondana::base::Result<T, Kind>;

R<int> parse_positive(int v)
{
    if (v <= 0)
        return hondana::base::fail(Kind::Bad, "not positive");
    return v;
}

R<void> check(bool ok)
{
    if (!ok)
        return hondana::base::fail(Kind::Worse, "check failed");
    return {};
}

R<int> doubled(int v, bool ok)
{
    TRY(check(ok));
    int x = TRY(parse_positive(v));
    return x * 2;
}

}

TEST(Result, try_yields_value_on_success)
{
    auto r = doubled(21, true);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, 42);
}

TEST(Result, try_returns_first_error)
{
    auto r = doubled(21, false);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, Kind::Worse);
    auto r2 = doubled(-1, true);
    ASSERT_FALSE(r2.has_value());
    EXPECT_EQ(r2.error().kind, Kind::Bad);
    EXPECT_EQ(r2.error().message, "not positive");
}
