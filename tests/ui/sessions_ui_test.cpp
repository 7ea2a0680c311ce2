// Class-wide reading sessions in the reader app (issue 6), against the real
// lending service: the teacher console (class, title, mode, start, live
// roster, everyone to a page) and a student's tablet that opens the book by
// itself with the banner naming teacher and class and follows the page.

#include <unistd.h>

#include <fstream>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "core/demo_setup.h"
#include "totp_code.h"
#include "ui_harness.h"

using namespace hondana;
using namespace hondana::test;

namespace {

class SessionsUi : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!have_xvfb())
            GTEST_SKIP() << "xvfb-run not found (scripts/setup installs xvfb)";
        m_dir = std::filesystem::temp_directory_path() / ("hondana-ui-sessions-" + std::to_string(getpid()));
        m_service = std::make_unique<DemoLending>(m_dir);
        ASSERT_TRUE(m_service->demo()) << "the demo lending service did not start; see " << m_service->log();
        m_demo = *m_service->demo();
        std::ifstream file(m_dir / "service" / "demo.json");
        auto summary = nlohmann::json::parse(file);
        for (const auto& account : summary["accounts"])
            if (account["login_id"] == "t-sato")
                m_teacher_secret = account["totp_secret"];
        for (const auto& title : summary["titles"])
            if (title["title"] == "一斉読書サンプル")
                m_title = title["id"];
    }

    void TearDown() override
    {
        m_service.reset();
        std::filesystem::remove_all(m_dir);
    }

    std::string policy(UiRun& run, size_t device)
    {
        auto path = run.path("policy.json");
        std::ofstream(path) << client::demo_policy(m_demo, device, "ja").dump(2);
        return path.string();
    }

    // Signs in (enrolling first on a new tablet); the teacher answers the TOTP question.
    std::string sign_in(const std::string& login, bool enrol, std::optional<uint64_t> totp_step = std::nullopt)
    {
        std::string script = enrol
            ? "wait policy_loaded=true\nclick status.enrol\nwait enrolled=true screen=signin timeout=60\n"
            : "wait policy_loaded=true screen=signin\n";
        script += "wait network=trusted timeout=60\ntype signin.login_id " + login + "\ntype signin.password "
            + (totp_step ? "Demo-Teacher-2026!" : "Demo-Student-2026!") + "\nclick signin.submit\n";
        if (totp_step)
            script += "wait signing_in=false timeout=60\ntype signin.password Demo-Teacher-2026!\ntype signin.totp "
                + totp_code(m_teacher_secret, *totp_step) + "\nclick signin.submit\n";
        return script + "wait signed_in=true timeout=120\nwait session_stream=connected timeout=60\n";
    }

    std::filesystem::path m_dir;
    std::unique_ptr<DemoLending> m_service;
    client::DemoService m_demo;
    std::string m_teacher_secret;
    std::string m_title;
};

}

TEST_F(SessionsUi, teacher_console_starts_a_guided_session_and_a_students_tablet_opens_it_with_the_banner)
{
    ASSERT_FALSE(m_title.empty());
    UiRun teacher("sessions-teacher");
    auto first_step = totp_step_now();
    auto console = sign_in("t-sato", true, first_step)
        + "click nav.teacher\nwait screen=teacher staff=true\nexpect sessions=0\n"
          "click session.class_pick:5年1組\nclick session.load_titles\nwait catalog_loading=false timeout=60\n"
          "frames 3\nclick session.title_pick:"
        + m_title
        + "\nclick session.mode.guided\nframes 3\nscreenshot form.png\nstate form.json\nclick session.create\n"
          "wait sessions_live=1 session_busy=false session_roster=4 timeout=60\nexpect session_refusal=none\nframes 5\n"
          "screenshot console.png\nstate console.json\n";
    ASSERT_EQ(teacher.run(console, { "--policy", policy(teacher, 0) }), 0) << teacher.output();

    // The student's tablet and the teacher's console at the same time: the
    // tablet opens the book by itself; the console sees it reading, then
    // sends everyone to page 2, which the tablet follows.
    UiRun student("sessions-student");
    auto student_policy = policy(student, 1);
    auto student_done = std::async(std::launch::async, [&] {
        return student.run(sign_in("s51-01", true)
                + "wait session_banner=live book_open=true pages_ready=true screen=reader timeout=120\nframes 5\n"
                  "screenshot banner.png\nstate banner.json\nwait session_page=2 page=1 timeout=180\nframes 5\n"
                  "screenshot followed.png\n",
            { "--policy", student_policy });
    });
    auto second_step = std::max(totp_step_now(), first_step + 1); // a TOTP code is never accepted twice
    auto roster = sign_in("t-sato", false, second_step)
        + "click nav.teacher\nwait screen=teacher sessions_live=1 timeout=60\nwait session_reading=1 timeout=180\n"
          // Everyone to page 2 only once the tablet has recorded where it opened.
          "wait-file "
        + student.path("banner.json").string()
        + " timeout=180\n"
          "type session.guide_page 2\nclick session.guide\nwait session_busy=false timeout=60\nframes 5\n"
          "screenshot roster.png\nstate roster.json\n";
    ASSERT_EQ(teacher.run(roster, { "--policy", policy(teacher, 0) }), 0) << teacher.output();
    ASSERT_EQ(student_done.get(), 0) << student.output();

    // The form before starting: class, title and mode chosen, the start button there.
    auto form = teacher.state("form.json");
    EXPECT_EQ(form["sessions"], 0);
    EXPECT_GT(control(form, "session.create")[2], 0);
    EXPECT_GT(control(form, "session.title_pick:" + m_title)[2], 0);
    EXPECT_GT(control(form, "session.start_at")[2], 0) << "a start time in local time";
    // The console: the session and its roster drawn where the state says.
    auto console_state = teacher.state("console.json");
    EXPECT_EQ(console_state["screen"], "teacher");
    EXPECT_EQ(console_state["missing_messages"], 0) << console_state["missing_keys"];
    auto end_button = control(console_state, "session.end");
    EXPECT_GT(end_button[2], end_button[0]);
    // The student's tablet: the banner (light blue) across the top of the reader, a page under it.
    auto banner_state = student.state("banner.json");
    EXPECT_EQ(banner_state["page"], 0) << "opened at the start page";
    auto banner = control(banner_state, "area.session_banner");
    auto shot = student.screenshot("banner.png");
    EXPECT_GT(shot.share(static_cast<int>(banner[0]) + 2, static_cast<int>(banner[1]) + 2,
                  static_cast<int>(banner[2]) - 2, static_cast<int>(banner[3]) - 2, { 219, 237, 255 }, 8),
        0.5);
    EXPECT_EQ(teacher.state("roster.json")["session_reading"], 1);
}
