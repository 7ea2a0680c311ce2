#include "class_session_fixture.h"

using namespace hondana;
using namespace hondana::lending;
using hondana::test::ClassSessionFixture;

namespace {

class ClassSessionRules : public ClassSessionFixture { };

}

TEST_F(ClassSessionRules, teacher_of_the_class_starts_and_every_student_gets_a_licence)
{
    auto title = add_sample_title("Class Book", 5);
    auto started = sessions().create(sensei, request(title.id));
    ASSERT_TRUE(started) << started.error().message;
    EXPECT_EQ(started->state, SessionState::Live);
    EXPECT_EQ(started->class_name, "5-1");
    EXPECT_EQ(started->teacher_login, "sensei");
    ASSERT_TRUE(started->started_at);
    for (const auto& student : students) {
        auto detail = sessions().detail(student, started->id);
        ASSERT_TRUE(detail) << detail.error().message;
        ASSERT_TRUE(detail->licence_id) << student.user.login_id;
        auto loan = active_loan(student, title.id);
        ASSERT_TRUE(loan) << student.user.login_id;
        EXPECT_EQ(loan->licence_id, *detail->licence_id);
    }
    EXPECT_FALSE(active_loan(x1, title.id)) << "a student of another class got a loan";
}

TEST_F(ClassSessionRules, teacher_of_another_class_is_refused_everything)
{
    auto title = add_sample_title("Class Book", 5);
    auto refused = sessions().create(kyoko, request(title.id, "5-1"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Forbidden);
    auto request = this->request(title.id, "5-1", SessionMode::Guided);
    request.start_at = m_clock.now() + std::chrono::minutes(5);
    auto scheduled = sessions().create(sensei, request);
    ASSERT_TRUE(scheduled) << scheduled.error().message;
    auto start = sessions().start(kyoko, scheduled->id);
    ASSERT_FALSE(start);
    EXPECT_EQ(start.error().kind, ErrorKind::Forbidden);
    ASSERT_TRUE(sessions().start(sensei, scheduled->id));
    auto guide = sessions().guide(kyoko, scheduled->id, 3);
    ASSERT_FALSE(guide);
    EXPECT_EQ(guide.error().kind, ErrorKind::Forbidden);
    auto end = sessions().end(kyoko, scheduled->id);
    ASSERT_FALSE(end);
    EXPECT_EQ(end.error().kind, ErrorKind::Forbidden);
    auto detail = sessions().detail(kyoko, scheduled->id);
    ASSERT_FALSE(detail);
    EXPECT_EQ(detail.error().kind, ErrorKind::NotFound);
}

TEST_F(ClassSessionRules, student_cannot_create_start_guide_or_end)
{
    auto title = add_sample_title("Class Book", 5);
    auto created = sessions().create(students[0], request(title.id));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().kind, ErrorKind::Forbidden);
    EXPECT_FALSE(active_loan(students[1], title.id)) << "a refused create changed something";
    auto live = sessions().create(sensei, request(title.id, "5-1", SessionMode::Guided));
    ASSERT_TRUE(live) << live.error().message;
    EXPECT_EQ(sessions().guide(students[0], live->id, 2).error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(sessions().end(students[0], live->id).error().kind, ErrorKind::Forbidden);
    auto still = sessions().detail(sensei, live->id);
    ASSERT_TRUE(still);
    EXPECT_EQ(still->session.state, SessionState::Live);
    EXPECT_EQ(still->session.page, 1);
}

TEST_F(ClassSessionRules, school_admin_leads_any_class_of_the_school_but_not_of_another)
{
    auto title = add_sample_title("Class Book", 10);
    auto principal = person("principal", Role::Admin, {});
    auto first = sessions().create(principal, request(title.id, "5-2"));
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_TRUE(sessions().end(principal, first->id));
    auto south_admin = person("south-head", Role::Admin, {}, "city", "South School");
    auto other_school = sessions().create(south_admin, [&] {
        auto request = this->request(title.id, "5-1");
        request.school = "North School";
        return request;
    }());
    ASSERT_FALSE(other_school);
    EXPECT_EQ(other_school.error().kind, ErrorKind::Forbidden);
}

TEST_F(ClassSessionRules, not_enough_copies_refuses_before_anything_starts_with_the_list)
{
    auto title = add_sample_title("Two Copies", 2);
    ASSERT_TRUE(m_service->circulation().borrow(students[0], title.id)); // s1's own loan: 1 copy left
    auto refused = sessions().create(sensei, request(title.id));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::NotEnoughCopies);
    const auto& details = refused.error().details;
    EXPECT_EQ(details["needed"], 2);
    EXPECT_EQ(details["available"], 1);
    ASSERT_EQ(details["students"].size(), 1u) << details.dump();
    EXPECT_EQ(details["students"][0]["login_id"], "s3");
    EXPECT_EQ(details["students"][0]["reason"], "no-copy");
    // Nothing changed: no session, no loans, the copy still free.
    auto open = sessions().open_sessions(sensei);
    ASSERT_TRUE(open);
    EXPECT_TRUE(open->empty());
    EXPECT_FALSE(active_loan(students[1], title.id));
    EXPECT_FALSE(active_loan(students[2], title.id));
    EXPECT_TRUE(m_service->circulation().borrow(x1, title.id)) << "the free copy was taken by the refusal";
}

TEST_F(ClassSessionRules, end_returns_session_loans_only_and_held_copies_become_own_loans)
{
    auto title = add_sample_title("Three Copies", 3);
    auto& circulation = m_service->circulation();
    auto own = circulation.borrow(students[0], title.id); // s1: own loan
    ASSERT_TRUE(own);
    auto x1_loan = circulation.borrow(x1, title.id);
    auto x2_loan = circulation.borrow(x2, title.id);
    ASSERT_TRUE(x1_loan && x2_loan);
    ASSERT_TRUE(circulation.reserve(students[1], title.id)); // s2 waits…
    ASSERT_TRUE(circulation.return_loan(x1, x1_loan->id));   // …and now a copy is held for s2
    ASSERT_TRUE(circulation.return_loan(x2, x2_loan->id));   // one copy free for s3
    auto live = sessions().create(sensei, request(title.id));
    ASSERT_TRUE(live) << live.error().message;
    auto s2_loan = active_loan(students[1], title.id);
    auto s3_loan = active_loan(students[2], title.id);
    ASSERT_TRUE(s2_loan && s3_loan);
    auto ended = sessions().end(sensei, live->id);
    ASSERT_TRUE(ended) << ended.error().message;
    EXPECT_EQ(ended->returned, 1);
    EXPECT_EQ(ended->session.state, SessionState::Ended);
    auto s1_after = active_loan(students[0], title.id);
    ASSERT_TRUE(s1_after) << "the student's own loan was returned";
    EXPECT_EQ(s1_after->id, own->id);
    auto s2_after = active_loan(students[1], title.id);
    ASSERT_TRUE(s2_after) << "the held copy did not stay with its student";
    EXPECT_EQ(s2_after->id, s2_loan->id);
    EXPECT_FALSE(active_loan(students[2], title.id)) << "the session loan was not returned";
    auto status = m_service->licensing().status(students[2], s3_loan->licence_id);
    ASSERT_TRUE(status) << status.error().message;
    EXPECT_EQ((*status)["status"], "returned");
}

TEST_F(ClassSessionRules, a_class_has_one_open_session_at_a_time)
{
    auto title = add_sample_title("Open Book", 0, Holding::Unlimited);
    auto first = sessions().create(sensei, request(title.id));
    ASSERT_TRUE(first) << first.error().message;
    auto second = sessions().create(sensei, request(title.id));
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().kind, ErrorKind::Conflict);
    ASSERT_TRUE(sessions().end(sensei, first->id));
    EXPECT_TRUE(sessions().create(sensei, request(title.id)));
    auto again = sessions().end(sensei, first->id);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::SessionState);
}

TEST_F(ClassSessionRules, page_is_guided_only_in_a_live_guided_session)
{
    auto title = add_sample_title("Open Book", 0, Holding::Unlimited);
    auto free = sessions().create(sensei, request(title.id));
    ASSERT_TRUE(free);
    auto refused = sessions().guide(sensei, free->id, 4);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::SessionState);
    EXPECT_EQ(refused.error().details["mode"], "free");
    ASSERT_TRUE(sessions().end(sensei, free->id));
    auto guided_request = request(title.id, "5-1", SessionMode::Guided);
    guided_request.start_at = m_clock.now() + std::chrono::minutes(1);
    auto guided = sessions().create(sensei, guided_request);
    ASSERT_TRUE(guided);
    EXPECT_EQ(sessions().guide(sensei, guided->id, 4).error().kind, ErrorKind::SessionState) << "scheduled";
    ASSERT_TRUE(sessions().start(sensei, guided->id));
    auto moved = sessions().guide(sensei, guided->id, 4);
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_EQ(moved->page, 4);
    EXPECT_EQ(sessions().guide(sensei, guided->id, 0).error().kind, ErrorKind::MalformedRequest);
    EXPECT_EQ(sessions().guide(sensei, guided->id, max_session_page + 1).error().kind, ErrorKind::MalformedRequest);
}

TEST_F(ClassSessionRules, another_tenant_sees_and_reaches_nothing)
{
    add_tenant("town", "Other Town");
    ASSERT_TRUE(m_service->directory().add_school(admin, "town", "North School"));
    ASSERT_TRUE(m_service->directory().add_class(admin, "town", "North School", "5-1"));
    auto outsider = person("t-sensei", Role::Teacher, { "5-1" }, "town");
    auto title = add_sample_title("City Book", 5);
    auto live = sessions().create(sensei, request(title.id));
    ASSERT_TRUE(live);
    // Same school and class names in another tenant: its teacher reaches only its own class.
    auto foreign_title = sessions().create(outsider, request(title.id));
    ASSERT_FALSE(foreign_title);
    EXPECT_EQ(foreign_title.error().kind, ErrorKind::NotFound);
    for (auto result : { sessions().detail(outsider, live->id).error().kind,
             sessions().end(outsider, live->id).error().kind, sessions().start(outsider, live->id).error().kind })
        EXPECT_EQ(result, ErrorKind::NotFound);
    auto open = sessions().open_sessions(outsider);
    ASSERT_TRUE(open);
    EXPECT_TRUE(open->empty());
}

TEST_F(ClassSessionRules, bad_requests_are_refused_with_the_field)
{
    auto title = add_sample_title("Open Book", 0, Holding::Unlimited);
    auto request = this->request(title.id);
    request.start_page = 0;
    EXPECT_EQ(sessions().create(sensei, request).error().details["field"], "start_page");
    request = this->request(title.id, "");
    EXPECT_EQ(sessions().create(sensei, request).error().details["field"], "class");
    EXPECT_EQ(sessions().create(sensei, this->request(title.id, "9-9")).error().kind, ErrorKind::NotFound);
    EXPECT_EQ(sessions().create(sensei, this->request("no-such-title")).error().kind, ErrorKind::NotFound);
    EXPECT_EQ(sessions().detail(sensei, "no-such-session").error().kind, ErrorKind::NotFound);
}
