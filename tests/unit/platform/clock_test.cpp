#include "hondana/platform/trusted_clock.h"

#include <gtest/gtest.h>

using namespace hondana::platform;
using namespace std::chrono_literals;
using hondana::base::parse_rfc3339;
using hondana::base::Timestamp;

namespace {

Timestamp at(const char* text)
{
    return *parse_rfc3339(text);
}

}

TEST(TrustedClock, unsynced_clock_follows_the_wall_clock)
{
    ManualClock clock(at("2026-11-22T00:00:00Z"));
    TrustedClock trusted(clock, {});
    auto now = trusted.now();
    EXPECT_EQ(now.state, ClockState::Unsynced);
    EXPECT_EQ(now.now, at("2026-11-22T00:00:00Z"));
}

TEST(TrustedClock, synced_time_is_server_time_plus_monotonic_elapsed)
{
    ManualClock clock(at("2026-11-22T00:00:00Z"));
    TrustedClock trusted(clock, {});
    trusted.observe_server_time(at("2026-11-22T05:00:00Z")); // device clock was 5 h slow
    clock.advance(10min);
    auto now = trusted.now();
    EXPECT_EQ(now.state, ClockState::Synced);
    EXPECT_EQ(now.now, at("2026-11-22T05:10:00Z"));
    EXPECT_FALSE(now.rollback_detected);
}

TEST(TrustedClock, wall_clock_set_back_does_not_move_trusted_time_and_is_reported_once)
{
    ManualClock clock(at("2026-11-22T00:00:00Z"));
    TrustedClock trusted(clock, {});
    trusted.observe_server_time(at("2026-11-22T00:00:00Z"));
    clock.advance(1h);
    clock.set_wall(at("2026-10-01T00:00:00Z"));
    auto first = trusted.now();
    EXPECT_EQ(first.now, at("2026-11-22T01:00:00Z"));
    EXPECT_TRUE(first.rollback_detected);
    clock.advance(1min);
    auto second = trusted.now();
    EXPECT_EQ(second.now, at("2026-11-22T01:01:00Z"));
    EXPECT_FALSE(second.rollback_detected);
}

TEST(TrustedClock, clock_set_back_while_closed_cannot_go_below_the_ratchet)
{
    ManualClock clock(at("2026-11-22T00:00:00Z"));
    ClockRatchet saved;
    {
        TrustedClock trusted(clock, {});
        trusted.observe_server_time(at("2026-11-22T00:00:00Z"));
        clock.advance(2h);
        (void)trusted.now();
        saved = trusted.ratchet();
    }
    clock.reboot("boot-2");
    clock.set_wall(at("2026-11-01T00:00:00Z"));
    TrustedClock reopened(clock, saved);
    auto now = reopened.now();
    EXPECT_EQ(now.state, ClockState::Estimated);
    EXPECT_EQ(now.now, at("2026-11-22T02:00:00Z"));
    EXPECT_TRUE(now.rollback_detected);
}

TEST(TrustedClock, after_a_reboot_a_later_wall_clock_moves_time_forward)
{
    ManualClock clock(at("2026-11-22T00:00:00Z"));
    TrustedClock first(clock, {});
    first.observe_server_time(at("2026-11-22T00:00:00Z"));
    clock.reboot("boot-2");
    clock.set_wall(at("2026-11-25T00:00:00Z"));
    TrustedClock second(clock, first.ratchet());
    auto now = second.now();
    EXPECT_EQ(now.now, at("2026-11-25T00:00:00Z"));
    EXPECT_FALSE(now.rollback_detected);
}

TEST(TrustedClock, trusted_time_never_decreases_between_readings)
{
    ManualClock clock(at("2026-11-22T00:00:00Z"));
    TrustedClock trusted(clock, {});
    auto previous = trusted.now().now;
    for (int i = 0; i < 20; ++i) {
        if (i % 3 == 0)
            clock.set_wall(clock.wall_now() - std::chrono::hours(i));
        else
            clock.advance(std::chrono::minutes(i));
        auto now = trusted.now().now;
        EXPECT_GE(now, previous) << "step " << i;
        previous = now;
    }
}

TEST(TrustedClock, server_time_corrects_a_wall_clock_that_was_set_forward)
{
    ManualClock clock(at("2026-11-22T00:00:00Z"));
    TrustedClock trusted(clock, {});
    clock.set_wall(at("2027-01-01T00:00:00Z"));
    EXPECT_EQ(trusted.now().now, at("2027-01-01T00:00:00Z"));
    trusted.observe_server_time(at("2026-11-22T00:00:10Z"));
    EXPECT_EQ(trusted.now().now, at("2026-11-22T00:00:10Z"));
}

TEST(SystemClock, reads_a_boot_id_and_a_moving_monotonic_clock)
{
    SystemClock clock;
    EXPECT_FALSE(clock.boot_id().empty());
    auto a = clock.monotonic_now();
    auto b = clock.monotonic_now();
    EXPECT_LE(a, b);
    EXPECT_GT(clock.wall_now(), *parse_rfc3339("2020-01-01T00:00:00Z"));
}
