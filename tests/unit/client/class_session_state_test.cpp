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
    live.roster = { { "s1", "A", "reading", 7 }, { "s2", "B", "content-ready", std::nullopt },
        { "s3", "C", "reading", 6 } };
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
