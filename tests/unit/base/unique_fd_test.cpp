#include "hondana/base/unique_fd.h"

#include <fcntl.h>

#include <gtest/gtest.h>

using hondana::base::UniqueFd;

namespace {

bool is_open(int fd)
{
    return ::fcntl(fd, F_GETFD) != -1;
}

}

TEST(UniqueFd, closes_what_it_owns_when_it_goes)
{
    int raw = -1;
    {
        UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        ASSERT_TRUE(fd.valid());
        raw = fd.get();
        EXPECT_TRUE(is_open(raw));
    }
    EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, moves_ownership_and_release_gives_it_up)
{
    UniqueFd first(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int raw = first.get();
    UniqueFd second(std::move(first));
    EXPECT_FALSE(first.valid()); // NOLINT(bugprone-use-after-move): the moved-from state is what is tested
    EXPECT_EQ(second.get(), raw);
    UniqueFd third;
    third = std::move(second);
    EXPECT_TRUE(is_open(raw));
    int released = third.release();
    EXPECT_FALSE(third.valid());
    EXPECT_TRUE(is_open(released)) << "release must not close";
    UniqueFd again(released);
    EXPECT_TRUE(again.close_checked());
    EXPECT_FALSE(is_open(released));
    EXPECT_TRUE(again.close_checked()) << "closing nothing is not a failure";
}

TEST(UniqueFd, a_failed_open_owns_nothing)
{
    UniqueFd fd(::open("/nonexistent/hondana", O_RDONLY | O_CLOEXEC));
    EXPECT_FALSE(fd.valid());
    EXPECT_EQ(fd.get(), -1);
}
