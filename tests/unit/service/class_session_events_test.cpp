#include "class_session_fixture.h"

using namespace hondana;
using namespace hondana::lending;
using hondana::test::ClassSessionFixture;

namespace {

class ClassSessionEvents : public ClassSessionFixture { };

using Types = std::vector<std::string>;

}

TEST_F(ClassSessionEvents, students_get_scheduled_started_page_ended_with_their_own_licence)
{
    auto title = add_sample_title("Class Book", 5);
    auto& s1 = subscribe(students[0]);
    auto& s2 = subscribe(students[1]);
    auto& other = subscribe(x1);
    auto& teacher = subscribe(sensei);
    auto request = this->request(title.id, "5-1", SessionMode::Guided);
    request.start_at = m_clock.now() + std::chrono::minutes(2);
    auto scheduled = sessions().create(sensei, request);
    ASSERT_TRUE(scheduled) << scheduled.error().message;
    ASSERT_TRUE(sessions().start(sensei, scheduled->id));
    auto loan = active_loan(students[0], title.id);
    ASSERT_TRUE(loan);
    ASSERT_TRUE(sessions().guide(sensei, scheduled->id, 7));
    ASSERT_TRUE(sessions().end(sensei, scheduled->id));
    Types expected { "session.scheduled", "session.started", "session.page", "session.ended" };
    EXPECT_EQ(s1.types(), expected);
    EXPECT_EQ(s2.types(), expected);
    EXPECT_EQ(teacher.types(), expected);
    EXPECT_TRUE(other.types().empty()) << "a student of another class got an event";
    auto mine = s1.last("session.started");
    ASSERT_TRUE(mine.contains("licence_id")) << mine.dump();
    EXPECT_NE(mine["licence_id"], s2.last("session.started")["licence_id"]);
    EXPECT_EQ(mine["licence_id"], loan->licence_id);
    EXPECT_FALSE(teacher.last("session.started").contains("licence_id"));
    EXPECT_EQ(s1.last("session.page")["page"], 7);
    EXPECT_EQ(s1.last("session.ended")["state"], "ended");
}

TEST_F(ClassSessionEvents, event_ids_increase_in_the_order_of_the_changes)
{
    auto title = add_sample_title("Open Book", 0, Holding::Unlimited);
    auto& s1 = subscribe(students[0]);
    auto live = sessions().create(sensei, request(title.id, "5-1", SessionMode::Guided));
    ASSERT_TRUE(live);
    for (int page = 2; page <= 6; ++page)
        ASSERT_TRUE(sessions().guide(sensei, live->id, page));
    auto events = s1.events();
    ASSERT_EQ(events.size(), 6u);
    auto seq = [](const std::string& id) { return std::stoull(id.substr(id.rfind('-') + 1)); };
    for (size_t i = 1; i < events.size(); ++i) {
        EXPECT_LT(seq(events[i - 1]->id), seq(events[i]->id));
        EXPECT_EQ(nlohmann::json::parse(events[i]->data)["page"], static_cast<int>(i + 1));
    }
}

TEST_F(ClassSessionEvents, scheduled_session_starts_when_its_time_comes)
{
    auto title = add_sample_title("Class Book", 5);
    auto& s3 = subscribe(students[2]);
    auto request = this->request(title.id);
    request.start_at = m_clock.now() + std::chrono::seconds(60);
    auto scheduled = sessions().create(sensei, request);
    ASSERT_TRUE(scheduled) << scheduled.error().message;
    EXPECT_EQ(scheduled->state, SessionState::Scheduled);
    EXPECT_FALSE(active_loan(students[2], title.id)) << "licensed before the start";
    m_clock.advance(std::chrono::seconds(59));
    EXPECT_EQ(sessions().start_due().value_or(-1), 0);
    m_clock.advance(std::chrono::seconds(1));
    EXPECT_EQ(sessions().start_due().value_or(-1), 1);
    EXPECT_EQ(sessions().start_due().value_or(-1), 0) << "started twice";
    auto detail = sessions().detail(students[2], scheduled->id);
    ASSERT_TRUE(detail);
    EXPECT_EQ(detail->session.state, SessionState::Live);
    ASSERT_TRUE(detail->licence_id);
    EXPECT_EQ(s3.types(), (Types { "session.scheduled", "session.started" }));
    EXPECT_EQ(s3.last("session.started")["licence_id"], *detail->licence_id);
}

TEST_F(ClassSessionEvents, due_session_short_of_copies_stays_scheduled_and_tells_its_leaders_once)
{
    auto title = add_sample_title("Three Copies", 3);
    auto& teacher = subscribe(sensei);
    auto& s1 = subscribe(students[0]);
    auto request = this->request(title.id);
    request.start_at = m_clock.now() + std::chrono::seconds(30);
    auto scheduled = sessions().create(sensei, request);
    ASSERT_TRUE(scheduled) << scheduled.error().message;
    ASSERT_TRUE(m_service->circulation().borrow(x1, title.id)); // copies gone meanwhile
    m_clock.advance(std::chrono::seconds(31));
    EXPECT_EQ(sessions().start_due().value_or(-1), 0);
    EXPECT_EQ(sessions().start_due().value_or(-1), 0);
    EXPECT_EQ(teacher.types(), (Types { "session.scheduled", "session.start_failed" }));
    EXPECT_EQ(teacher.last("session.start_failed")["students"][0]["login_id"], "s3");
    EXPECT_EQ(s1.types(), (Types { "session.scheduled" })) << "a student saw the staff-only event";
    auto detail = sessions().detail(sensei, scheduled->id);
    ASSERT_TRUE(detail);
    EXPECT_EQ(detail->session.state, SessionState::Scheduled);
    EXPECT_FALSE(active_loan(students[0], title.id));
    auto by_hand = sessions().start(sensei, scheduled->id);
    ASSERT_FALSE(by_hand);
    EXPECT_EQ(by_hand.error().kind, ErrorKind::NotEnoughCopies);
}

TEST_F(ClassSessionEvents, roster_shows_presence_and_reports_and_only_leaders_see_it)
{
    auto title = add_sample_title("Open Book", 0, Holding::Unlimited);
    auto live = sessions().create(sensei, request(title.id));
    ASSERT_TRUE(live);
    auto& teacher = subscribe(sensei);
    auto& s2 = subscribe(students[1]);
    auto who = sessions().subscriber(students[0]);
    ASSERT_TRUE(who);
    auto stream = sessions().hub().subscribe(*who, std::nullopt, [](const std::shared_ptr<const Event>&) {});
    sessions().stream_opened(students[0], *who);
    ASSERT_TRUE(sessions().report(students[0], live->id, StudentState::Reading, 12));
    auto detail = sessions().detail(sensei, live->id);
    ASSERT_TRUE(detail);
    ASSERT_TRUE(detail->leader);
    ASSERT_EQ(detail->roster.size(), 3u);
    EXPECT_EQ(detail->roster[0].login_id, "s1");
    EXPECT_EQ(detail->roster[0].state, StudentState::Reading);
    EXPECT_EQ(detail->roster[0].page, 12);
    EXPECT_EQ(detail->roster[1].state, StudentState::Connected); // s2's stream is open
    EXPECT_EQ(detail->roster[2].state, StudentState::NotConnected);
    stream.subscription.reset();
    sessions().stream_closed(students[0], *who);
    auto states = teacher.events();
    ASSERT_EQ(states.size(), 3u);
    Types seen;
    for (const auto& event : states)
        seen.push_back(event->type + ":" + nlohmann::json::parse(event->data)["state"].get<std::string>());
    EXPECT_EQ(seen, (Types { "student.state:connected", "student.state:reading", "student.state:not-connected" }));
    EXPECT_TRUE(s2.types().empty()) << "a student saw roster events";
    auto student_view = sessions().detail(students[1], live->id);
    ASSERT_TRUE(student_view);
    EXPECT_FALSE(student_view->leader);
    EXPECT_TRUE(student_view->roster.empty());
}

TEST_F(ClassSessionEvents, only_students_of_the_class_report_and_not_after_the_end)
{
    auto title = add_sample_title("Open Book", 0, Holding::Unlimited);
    auto live = sessions().create(sensei, request(title.id));
    ASSERT_TRUE(live);
    EXPECT_EQ(sessions().report(x1, live->id, StudentState::Reading, 1).error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(sessions().report(sensei, live->id, StudentState::Reading, 1).error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(
        sessions().report(students[0], live->id, StudentState::Connected, 1).error().kind, ErrorKind::MalformedRequest);
    ASSERT_TRUE(sessions().end(sensei, live->id));
    EXPECT_EQ(sessions().report(students[0], live->id, StudentState::Reading, 1).error().kind, ErrorKind::SessionState);
}

TEST_F(ClassSessionEvents, snapshot_lists_open_sessions_with_the_callers_licence_or_roster)
{
    auto title = add_sample_title("Class Book", 5);
    auto live = sessions().create(sensei, request(title.id));
    ASSERT_TRUE(live);
    auto who = sessions().subscriber(students[0]);
    ASSERT_TRUE(who);
    auto snapshot = sessions().snapshot(students[0], *who);
    ASSERT_TRUE(snapshot);
    ASSERT_EQ(snapshot->size(), 1u);
    EXPECT_EQ(snapshot->front().type, "session.started");
    auto data = nlohmann::json::parse(snapshot->front().data);
    EXPECT_EQ(data["licence_id"], active_loan(students[0], title.id).value_or(LoanView {}).licence_id);
    auto staff = sessions().subscriber(sensei);
    ASSERT_TRUE(staff);
    auto teacher_view = sessions().snapshot(sensei, *staff);
    ASSERT_TRUE(teacher_view);
    ASSERT_EQ(teacher_view->size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(teacher_view->front().data)["roster"].size(), 3u);
    auto outsider = sessions().subscriber(x1);
    ASSERT_TRUE(outsider);
    EXPECT_TRUE(sessions().snapshot(x1, *outsider).value_or(std::vector<Event> { {} }).empty());
}
