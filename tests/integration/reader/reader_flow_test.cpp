// The reader core against the real lending service over real TLS, through
// hondana-cli: the whole flow, offline use, and every refusal with its own
// clear error.

#include "hondana/base/time.h"
#include "hondana/drm/crypto.h"
#include "service_fixture.h"
#include "totp_code.h"

using namespace hondana;
using test::contains;

namespace {

class ReaderFlow : public test::ReaderServiceTest { };

}

TEST_F(ReaderFlow, whole_flow_enrol_sign_in_borrow_download_open_renew_return_sign_out)
{
    auto tablet = this->tablet(0);
    auto enrolled = cli(tablet, { "enrol" });
    ASSERT_EQ(enrolled.exit_code, 0) << enrolled.err;
    EXPECT_TRUE(contains(enrolled.out, "enrolled: " + tablet.device_id)) << enrolled.out;
    EXPECT_TRUE(contains(cli(tablet, { "enrol" }).out, "already enrolled")) << "enrolment is idempotent";

    auto [login, password] = service().student(0);
    auto wrong = cli(tablet, { "login", login }, "Not-The-Password-1\n");
    EXPECT_EQ(wrong.exit_code, 8) << wrong.err;
    EXPECT_TRUE(contains(wrong.err, "[sync.invalid_credentials]")) << wrong.err;
    auto signed_in = cli(tablet, { "login", login }, password + "\n");
    ASSERT_EQ(signed_in.exit_code, 0) << signed_in.err;
    EXPECT_TRUE(contains(signed_in.out, "signed in online as " + login)) << signed_in.out;

    auto pw = password + "\n";
    auto pdf = service().title("pdf");
    auto catalog = cli(tablet, { "catalog" }, pw);
    ASSERT_EQ(catalog.exit_code, 0) << catalog.err;
    EXPECT_TRUE(contains(catalog.out, "title " + pdf)) << catalog.out;

    auto borrowed = cli(tablet, { "borrow", pdf }, pw);
    ASSERT_EQ(borrowed.exit_code, 0) << borrowed.err;
    EXPECT_TRUE(contains(borrowed.out, "status active")) << borrowed.out;
    auto again = cli(tablet, { "borrow", pdf }, pw);
    EXPECT_EQ(again.exit_code, 11) << again.err;
    EXPECT_TRUE(contains(again.err, "[sync.already_borrowed]")) << again.err;

    auto downloaded = cli(tablet, { "download", pdf }, pw);
    ASSERT_EQ(downloaded.exit_code, 0) << downloaded.err;
    EXPECT_TRUE(contains(downloaded.out, "verified")) << downloaded.out;
    auto opened = cli(tablet, { "open", pdf }, pw);
    ASSERT_EQ(opened.exit_code, 0) << opened.err;
    EXPECT_TRUE(contains(opened.out, "opened " + pdf + " pdf publication.pdf")) << opened.out;

    auto renewed = cli(tablet, { "renew", pdf }, pw);
    EXPECT_TRUE(renewed.exit_code == 0 || contains(renewed.err, "[sync.renew_refused]")) << renewed.err;
    EXPECT_EQ(cli(tablet, { "open", pdf }, pw).exit_code, 0);

    auto loans = cli(tablet, { "loans" }, pw);
    EXPECT_TRUE(contains(loans.out, "title " + pdf)) << loans.out;
    auto doctor = cli(tablet, { "doctor" });
    EXPECT_EQ(doctor.exit_code, 0) << doctor.out;
    EXPECT_TRUE(contains(doctor.out, "network.state: trusted")) << doctor.out;
    EXPECT_TRUE(contains(doctor.out, "enrolment.enrolled: yes")) << doctor.out;
    EXPECT_TRUE(contains(doctor.out, "clock.state: synced")) << doctor.out;
    EXPECT_TRUE(contains(doctor.out, "(0 not uploaded)")) << "audit events reach the service:\n" << doctor.out;

    auto returned = cli(tablet, { "return", pdf }, pw);
    ASSERT_EQ(returned.exit_code, 0) << returned.err;
    auto after_return = cli(tablet, { "open", pdf }, pw);
    EXPECT_EQ(after_return.exit_code, 11) << after_return.err;
    EXPECT_TRUE(contains(after_return.err, "[store.not_found]")) << after_return.err;

    EXPECT_EQ(cli(tablet, { "logout" }, pw).exit_code, 0);
    auto after_logout = cli(tablet, { "catalog" }, pw);
    EXPECT_EQ(after_logout.exit_code, 10) << after_logout.err;

    EXPECT_EQ(cli(tablet, { "wipe" }).exit_code, 2) << "wipe asks for --yes";
    auto wiped = cli(tablet, { "wipe", "--yes" });
    ASSERT_EQ(wiped.exit_code, 0) << wiped.err;
    EXPECT_TRUE(contains(wiped.out, "erased device key")) << wiped.out;
    EXPECT_TRUE(contains(cli(tablet, { "doctor" }).out, "enrolment.enrolled: no"));
}

TEST_F(ReaderFlow, epub_titles_download_and_open)
{
    auto tablet = this->tablet(1);
    auto pw = enrol_and_sign_in(tablet, 1);
    auto epub = service().title("epub");
    ASSERT_EQ(cli(tablet, { "borrow", epub }, pw).exit_code, 0);
    ASSERT_EQ(cli(tablet, { "download", epub }, pw).exit_code, 0);
    auto opened = cli(tablet, { "open", epub }, pw);
    ASSERT_EQ(opened.exit_code, 0) << opened.err;
    EXPECT_TRUE(contains(opened.out, " epub ")) << opened.out;
}

TEST_F(ReaderFlow, offline_sign_in_and_reading_where_the_service_is_unreachable_and_the_lockout)
{
    if (!test::network_namespaces_permitted())
        GTEST_SKIP() << "network namespaces are not permitted here (`unshare -n` failed): cannot cut the network";
    auto tablet = this->tablet(2, { { "offline_signin_attempts", 3 } });
    auto pw = enrol_and_sign_in(tablet, 2);
    auto pdf = service().title("pdf");
    ASSERT_EQ(cli(tablet, { "borrow", pdf }, pw).exit_code, 0);
    ASSERT_EQ(cli(tablet, { "download", pdf }, pw).exit_code, 0);
    std::vector<std::string> offline { "unshare", "-n" };
    auto login = service().student(2).first;

    auto doctor = cli(tablet, { "doctor" }, {}, offline);
    EXPECT_TRUE(contains(doctor.out, "network.state: offline")) << doctor.out;
    auto signed_in = cli(tablet, { "login", login }, pw, offline);
    ASSERT_EQ(signed_in.exit_code, 0) << signed_in.err;
    EXPECT_TRUE(contains(signed_in.out, "signed in offline")) << signed_in.out;
    auto opened = cli(tablet, { "open", pdf }, pw, offline);
    EXPECT_EQ(opened.exit_code, 0) << opened.err;
    auto borrow_offline = cli(tablet, { "borrow", service().title("epub") }, pw, offline);
    EXPECT_EQ(borrow_offline.exit_code, 6) << borrow_offline.err;

    for (int i = 0; i < 2; ++i) {
        auto wrong = cli(tablet, { "login", login }, "Wrong-Password-9\n", offline);
        EXPECT_EQ(wrong.exit_code, 8) << wrong.err;
        EXPECT_TRUE(contains(wrong.err, "[store.wrong_password]")) << wrong.err;
    }
    auto locked = cli(tablet, { "login", login }, "Wrong-Password-9\n", offline);
    EXPECT_EQ(locked.exit_code, 9) << locked.err;
    EXPECT_TRUE(contains(locked.err, "[store.offline_sign_in_locked]")) << locked.err;
    EXPECT_EQ(cli(tablet, { "login", login }, pw, offline).exit_code, 9) << "locked even with the right password";
    EXPECT_EQ(cli(tablet, { "open", pdf }, pw, offline).exit_code, 9);

    auto online = cli(tablet, { "login", login }, pw);
    ASSERT_EQ(online.exit_code, 0) << online.err;
    EXPECT_EQ(cli(tablet, { "login", login }, pw, offline).exit_code, 0) << "online sign-in unlocks offline sign-in";
}

TEST_F(ReaderFlow, an_account_with_totp_is_asked_for_its_code)
{
    auto tablet = this->tablet(3);
    ASSERT_EQ(cli(tablet, { "enrol" }).exit_code, 0);
    const nlohmann::json* teacher = nullptr;
    for (const auto& account : service().demo()["accounts"]) {
        if (account["role"] == "teacher" && account.contains("totp_secret"))
            teacher = &account;
    }
    if (!teacher)
        GTEST_SKIP() << "the demo tenant has no teacher with TOTP";
    std::string login = (*teacher)["login_id"], password = (*teacher)["password"];
    auto no_code = cli(tablet, { "login", login }, password + "\n");
    EXPECT_EQ(no_code.exit_code, 8) << no_code.err;
    EXPECT_TRUE(contains(no_code.err, "[sync.totp_required]")) << no_code.err;
    auto wrong = cli(tablet, { "login", login }, password + "\n000000\n");
    EXPECT_EQ(wrong.exit_code, 8) << wrong.err;
    EXPECT_TRUE(contains(wrong.err, "[sync.totp_invalid]") || contains(wrong.err, "[sync.totp_required]")) << wrong.err;
    auto signed_in = cli(tablet, { "login", login },
        password + "\n" + test::totp_code((*teacher)["totp_secret"].get<std::string>(), test::totp_step_now()) + "\n");
    EXPECT_EQ(signed_in.exit_code, 0) << signed_in.err;
    EXPECT_TRUE(contains(signed_in.out, "signed in online as " + login)) << signed_in.out;
}
