// Class-wide reading sessions (issue 6) end to end: the demo teacher and
// three students' tablets, headless through hondana-cli (the same reader core
// and ClassSessionFollower the reader app runs), against the real
// hondana-lending --demo over real TLS.

#include "sessions_fixture.h"

using namespace hondana;
using test::contains;

namespace {

class SessionsFlow : public test::SessionsTest { };

std::string in_an_hour()
{
    return base::format_rfc3339(base::now_utc() + std::chrono::hours(1));
}

// The demo's class-set title (一斉読書サンプル, 40 copies).
std::string class_set_title(test::LendingService& service)
{
    for (const auto& title : service.demo()["titles"])
        if (title["title"] == "一斉読書サンプル")
            return title["id"];
    return {};
}

}

TEST_F(SessionsFlow, teacher_and_three_students_schedule_prefetch_start_guide_late_join_resume_and_end)
{
    auto title = class_set_title(service());
    ASSERT_FALSE(title.empty());
    auto teacher = tablet(0);
    auto teacher_pw = sign_in(teacher, "t-sato");
    std::vector<test::Tablet> students { tablet(1), tablet(2), tablet(3) };
    std::vector<std::string> pw;
    for (size_t i = 0; i < students.size(); ++i)
        pw.push_back(sign_in(students[i], "s51-0" + std::to_string(i + 1)));
    // s51-02 has the title on loan already: the session uses that loan and ending leaves it.
    auto own = cli(students[1], { "borrow", title }, pw[1]);
    ASSERT_EQ(own.exit_code, 0) << own.err;

    auto created = cli(teacher,
        { "session", "create", "--class", "5年1組", "--title", title, "--page", "3", "--mode", "guided", "--at", in_an_hour() },
        teacher_pw);
    ASSERT_EQ(created.exit_code, 0) << created.err;
    ASSERT_TRUE(contains(created.out, " scheduled class 5年1組")) << created.out;
    auto id = session_id(created.out);

    // Two tablets are on: the content comes down as soon as the session is scheduled.
    std::vector<std::unique_ptr<test::Watcher>> watchers;
    for (size_t i = 0; i < 2; ++i) {
        watchers.push_back(std::make_unique<test::Watcher>(students[i], pw[i], std::vector<std::string> { "--until", "ended" }));
        ASSERT_TRUE(watchers[i]->wait_for("change content-ready session " + id))
            << watchers[i]->output() << watchers[i]->errors();
    }
    auto roster = cli(teacher, { "session", "show", id }, teacher_pw);
    ASSERT_EQ(roster.exit_code, 0) << roster.err;
    EXPECT_TRUE(contains(roster.out, "student s51-01 content-ready")) << roster.out;
    EXPECT_TRUE(contains(roster.out, "student s51-02 content-ready")) << roster.out;
    EXPECT_TRUE(contains(roster.out, "student s51-03 not-connected")) << roster.out;

    auto started = cli(teacher, { "session", "start", id }, teacher_pw);
    ASSERT_EQ(started.exit_code, 0) << started.err;
    EXPECT_TRUE(contains(started.out, " live class ")) << started.out;
    for (auto& watcher : watchers) {
        ASSERT_TRUE(watcher->wait_for("change opened session " + id + " title " + title + " page 3"))
            << watcher->output() << watcher->errors();
        // The package came down when the session was scheduled: at the bell only the licence is fetched.
        EXPECT_TRUE(contains(watcher->output(), "page 3 downloaded 0\n")) << watcher->output();
        EXPECT_FALSE(contains(watcher->output(), "prefetched 0\n")) << watcher->output();
    }
    roster = cli(teacher, { "session", "show", id }, teacher_pw);
    EXPECT_TRUE(contains(roster.out, "student s51-01 reading page 3")) << roster.out;
    EXPECT_TRUE(contains(roster.out, "student s51-02 reading page 3")) << roster.out;

    // Guided: everyone to the teacher's page.
    ASSERT_EQ(cli(teacher, { "session", "page", id, "7" }, teacher_pw).exit_code, 0);
    for (auto& watcher : watchers)
        ASSERT_TRUE(watcher->wait_for("change page session " + id + " title " + title + " page 7")) << watcher->output();

    // A tablet that was off joins late and catches up with the teacher's page.
    test::Watcher late(students[2], pw[2], { "--until", "ended" });
    ASSERT_TRUE(late.wait_for("change opened session " + id + " title " + title + " page 7")) << late.output() << late.errors();

    // s51-01's tablet drops off; the teacher moves on; it comes back with
    // Last-Event-ID and gets exactly what it missed (no resync).
    auto resume_from = watchers[0]->last_event_id();
    ASSERT_FALSE(resume_from.empty()) << watchers[0]->output();
    watchers[0]->kill();
    ASSERT_EQ(cli(teacher, { "session", "page", id, "9" }, teacher_pw).exit_code, 0);
    ASSERT_TRUE(watchers[1]->wait_for("page 9")) << watchers[1]->output();
    watchers[0] = std::make_unique<test::Watcher>(students[0], pw[0],
        std::vector<std::string> { "--until", "ended", "--last-event-id", resume_from });
    ASSERT_TRUE(watchers[0]->wait_for("change opened session " + id + " title " + title + " page 9"))
        << watchers[0]->output() << watchers[0]->errors();
    EXPECT_TRUE(contains(watchers[0]->output(), " session.page\n")) << watchers[0]->output();
    EXPECT_FALSE(contains(watchers[0]->output(), " sync\n")) << "a resumed stream is not rebuilt: " << watchers[0]->output();
    ASSERT_TRUE(late.wait_for("change page session " + id + " title " + title + " page 9")) << late.output();
    roster = cli(teacher, { "session", "show", id }, teacher_pw);
    for (const auto* login : { "s51-01", "s51-02", "s51-03" })
        EXPECT_TRUE(contains(roster.out, std::string("student ") + login + " reading page 9")) << roster.out;
    EXPECT_TRUE(contains(roster.out, "student s51-04 not-connected")) << "its tablet is off: " << roster.out;

    auto ended = cli(teacher, { "session", "end", id }, teacher_pw);
    ASSERT_EQ(ended.exit_code, 0) << ended.err;
    EXPECT_TRUE(contains(ended.out, "returned 3")) << "s51-01, -03 and -04's session loans, not s51-02's own: " << ended.out;
    for (auto* watcher : { watchers[0].get(), watchers[1].get(), &late }) {
        EXPECT_EQ(watcher->wait(), 0) << watcher->errors();
        EXPECT_TRUE(contains(watcher->output(), "change ended session " + id)) << watcher->output();
    }
    EXPECT_TRUE(contains(watchers[0]->output(), "change ended session " + id + " title " + title + " page 0 returned"))
        << watchers[0]->output();
    EXPECT_TRUE(contains(watchers[1]->output(), "change ended session " + id + " title " + title + " page 0 kept"))
        << watchers[1]->output();
    auto first_loans = cli(students[0], { "loans" }, pw[0]);
    EXPECT_FALSE(contains(first_loans.out, "title " + title + " ")) << first_loans.out;
    auto own_loans = cli(students[1], { "loans" }, pw[1]);
    EXPECT_TRUE(contains(own_loans.out, "title " + title + " ")) << "own loans stay: " << own_loans.out;
}

TEST_F(SessionsFlow, refusals_other_class_student_cannot_see_students_cannot_start_and_short_copies_list_who)
{
    auto title = class_set_title(service());
    auto teacher = tablet(0);
    auto teacher_pw = sign_in(teacher, "t-sato");
    auto created = cli(teacher, { "session", "create", "--class", "5年1組", "--title", title }, teacher_pw);
    ASSERT_EQ(created.exit_code, 0) << created.err;
    auto id = session_id(created.out);

    // A student of 5年2組 sees nothing of 5年1組's session.
    auto other = tablet(1);
    auto other_pw = sign_in(other, "s52-01");
    auto listed = cli(other, { "session", "list" }, other_pw);
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_FALSE(contains(listed.out, id)) << listed.out;
    auto shown = cli(other, { "session", "show", id }, other_pw);
    EXPECT_EQ(shown.exit_code, 11);
    EXPECT_TRUE(contains(shown.err, "[sync.not_found]")) << shown.err;

    // A student cannot open, guide or end a session.
    auto student = tablet(2);
    auto student_pw = sign_in(student, "s51-01");
    auto refused = cli(student, { "session", "create", "--class", "5年1組", "--title", title }, student_pw);
    EXPECT_EQ(refused.exit_code, 11);
    EXPECT_TRUE(contains(refused.err, "[sync.forbidden]")) << refused.err;
    auto guided = cli(student, { "session", "end", id }, student_pw);
    EXPECT_EQ(guided.exit_code, 11);
    EXPECT_TRUE(contains(guided.err, "[sync.forbidden]")) << guided.err;

    // Too few copies: refused before anything starts, naming who would get none.
    ASSERT_EQ(cli(teacher, { "session", "end", id }, teacher_pw).exit_code, 0);
    auto pdf = service().title("pdf"); // two copies for four students
    auto short_copies = cli(teacher, { "session", "create", "--class", "5年1組", "--title", pdf }, teacher_pw);
    EXPECT_EQ(short_copies.exit_code, 11);
    EXPECT_TRUE(contains(short_copies.err, "[sync.not_enough_copies]")) << short_copies.err;
    EXPECT_TRUE(contains(short_copies.err, "needed=4")) << short_copies.err;
    EXPECT_TRUE(contains(short_copies.err, "\"login_id\":\"s51-0")) << short_copies.err;
    auto none = cli(teacher, { "session", "list" }, teacher_pw);
    EXPECT_FALSE(contains(none.out, " live ")) << none.out;
}
