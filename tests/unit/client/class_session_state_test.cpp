// What the screens read of class sessions (core/class_session_state.h): the
// student's banner session and the queried summary the UI tests wait on.

#include <gtest/gtest.h>

#include "core/class_session_state.h"

using namespace hondana::client;

namespace {

ClassroomSession session(std::string id, std::string state)
{
    ClassroomSession s;
    s.id = std::move(id);
    s.state = std::move(state);
    s.class_name = "5年1組";
    s.teacher = "佐藤 先生";
    return s;
}

}

TEST(ClassroomState, a_student_banner_names_the_opened_session_else_a_scheduled_one)
{
    ClassroomState state;
    EXPECT_EQ(banner_session(state), nullptr);
    state.sessions = { session("a", "scheduled") };
    ASSERT_NE(banner_session(state), nullptr) << "a scheduled session shows as getting ready";
    EXPECT_EQ(banner_session(state)->id, "a");
    state.sessions.push_back(session("b", "live"));
    state.banner_session = "b";
    EXPECT_EQ(banner_session(state)->id, "b");
    state.banner_session = "gone";
    EXPECT_EQ(banner_session(state), nullptr) << "a banner session that is no longer open shows nothing";
}

TEST(ClassroomState, staff_never_get_the_student_banner)
{
    ClassroomState state;
    state.staff = true;
    state.sessions = { session("a", "live") };
    state.banner_session = "a";
    EXPECT_EQ(banner_session(state), nullptr);
}

TEST(ClassroomState, the_queried_summary_counts_live_sessions_and_reading_students)
{
    ClassroomState state;
    state.stream = "connected";
    auto live = session("a", "live");
    live.page = 7;
    live.roster
        = { { "s1", "A", "reading", 7 }, { "s2", "B", "content-ready", std::nullopt }, { "s3", "C", "reading", 6 } };
    state.sessions = { live, session("b", "scheduled") };
    state.banner_session = "a";
    nlohmann::json out;
    add_classroom_json(state, out);
    EXPECT_EQ(out["session_stream"], "connected");
    EXPECT_EQ(out["sessions"], 2);
    EXPECT_EQ(out["sessions_live"], 1);
    EXPECT_EQ(out["session_reading"], 2);
    EXPECT_EQ(out["session_roster"], 3);
    EXPECT_EQ(out["session_banner"], "live");
    EXPECT_EQ(out["session_page"], 7);
    EXPECT_EQ(out["session_refusal"], "none");
}

TEST(ConsoleClock, local_clock_text_is_parsed_strictly)
{
    EXPECT_EQ(parse_local_clock("10:45"), 10 * 60 + 45);
    EXPECT_EQ(parse_local_clock("9:05"), 9 * 60 + 5);
    EXPECT_EQ(parse_local_clock("00:00"), 0);
    for (auto bad : { "", "1045", "24:00", "10:60", "10:5", ":45", "10:45:00", "１０:４５", "ten", "-1:30", "10:4x" })
        EXPECT_FALSE(parse_local_clock(bad)) << bad;
}

TEST(ConsoleClock, a_start_time_today_in_local_time_is_sent_as_utc)
{
    auto now = *hondana::base::parse_rfc3339("2026-11-22T00:30:00Z"); // 09:30 in Japan
    constexpr int japan = 9 * 60;
    auto at = today_at(10 * 60 + 45, now, japan);
    ASSERT_TRUE(at);
    EXPECT_EQ(hondana::base::format_rfc3339(*at), "2026-11-22T01:45:00Z");
    EXPECT_FALSE(today_at(9 * 60 + 30, now, japan)) << "not later than now";
    EXPECT_FALSE(today_at(8 * 60, now, japan)) << "already passed today";
    // 23:30 UTC on the 21st is 08:30 on the 22nd in Japan: "today" is the local date.
    auto late = today_at(9 * 60, *hondana::base::parse_rfc3339("2026-11-21T23:30:00Z"), japan);
    ASSERT_TRUE(late);
    EXPECT_EQ(hondana::base::format_rfc3339(*late), "2026-11-22T00:00:00Z");
}

TEST(ConsoleClock, scheduled_times_are_shown_in_local_time)
{
    auto now = *hondana::base::parse_rfc3339("2026-11-22T00:30:00Z");
    EXPECT_EQ(local_clock_text("2026-11-22T01:45:00Z", now, 9 * 60), "10:45");
    EXPECT_EQ(local_clock_text("2026-11-22T23:00:00Z", now, 9 * 60), "11/23 08:00");
    EXPECT_EQ(local_clock_text("2026-11-22T01:45:00Z", now, 0), "01:45");
    EXPECT_EQ(local_clock_text("soon", now, 9 * 60), "soon");
}
