#include "integration_fixture.h"

using namespace hondana;
using namespace hondana::test;

namespace {

class TwoStageSignIn : public ServiceTest { };
class LoginLockoutOverHttp : public ServiceTest { };
class TotpOverHttp : public ServiceTest { };
class RefreshTokens : public ServiceTest { };
class Suspension : public ServiceTest { };
class AdminPasswordRule : public ServiceTest { };

HttpReply wrong_password(TlsClient& client, const std::string& login)
{
    return client.post("/v1/auth/login", { { "login_id", login }, { "password", "Wrong-Password-9!" } });
}

}

TEST_F(TwoStageSignIn, signs_in_on_enrolled_device_and_reads_user)
{
    auto session = signed_in(0, "student");
    EXPECT_EQ(session.user["login_id"], "hanako");
    EXPECT_EQ(session.user["role"], "student");
    EXPECT_EQ(session.user["school"], "North School");
    auto me = session.client->get("/v1/me", session.access);
    ASSERT_EQ(me.status, 200u);
    EXPECT_EQ(me.json()["login_id"], "hanako");
    EXPECT_FALSE(me.header("x-hondana-time").empty());
    EXPECT_FALSE(me.header("x-request-id").empty());
}

TEST_F(TwoStageSignIn, user_of_another_school_is_refused_on_this_device)
{
    auto client = device_client(0);
    auto reply = sign_in(*client, service().user("south"));
    EXPECT_EQ(reply.status, 403u);
    EXPECT_EQ(reply.problem(), "wrong-school");
}

TEST_F(TwoStageSignIn, access_token_works_only_on_its_device)
{
    auto session = signed_in(0, "student");
    auto other = device_client(1);
    auto reply = other->get("/v1/me", session.access);
    EXPECT_EQ(reply.status, 401u);
    EXPECT_EQ(reply.problem(), "token-invalid");
}

TEST_F(AdminPasswordRule, refuses_weak_and_accepts_strong_passwords)
{
    struct Case {
        const char* login;
        const char* password;
        bool accepted;
    };
    const Case cases[] = { { "u1", "short1!A", false }, { "u2", "alllowercase1!", false },
        { "u3", "ALLUPPERCASE1!", false }, { "u4", "NoDigitsHere!!", false }, { "u5", "NoSymbols12345", false },
        { "u6", "Password123!", false }, { "kenji", "Kenji-Reads-2026!", false }, { "u8", "Kyoto-Reads-2026!", true },
        { "u9", "Tsuki-ga-Kirei-7", true }, { "u10", "本棚で読書Ab1!xyz", true } };
    for (const auto& c : cases) {
        std::string output;
        int code = service().admin(
            { "user", "add", c.login, "--name", "New", "--school", "North School", "--password-stdin" }, &output,
            std::string(c.password) + "\n");
        EXPECT_EQ(code == 0, c.accepted) << c.password << ": " << output;
        if (!c.accepted) {
            EXPECT_NE(output.find("lending.weak_password"), std::string::npos) << output;
        }
    }
}

TEST_F(LoginLockoutOverHttp, locks_after_ten_failures_and_admin_unlocks)
{
    auto client = device_client(0);
    for (int i = 1; i <= 9; ++i)
        ASSERT_EQ(wrong_password(*client, "hanako").problem(), "invalid-credentials") << i;
    auto tenth = wrong_password(*client, "hanako");
    EXPECT_EQ(tenth.status, 423u);
    EXPECT_EQ(tenth.problem(), "account-locked");
    EXPECT_TRUE(tenth.json().contains("locked_until"));
    EXPECT_EQ(sign_in(*client, service().user("student")).problem(), "account-locked");
    ASSERT_EQ(service().admin({ "user", "unlock", "hanako" }), 0);
    EXPECT_EQ(sign_in(*client, service().user("student")).status, 200u);
}

TEST_F(LoginLockoutOverHttp, unknown_login_id_answers_and_locks_like_a_known_one)
{
    auto client = device_client(0);
    for (int i = 1; i <= 11; ++i) {
        auto known = wrong_password(*client, "hanako");
        auto unknown = wrong_password(*client, "nobody-here");
        EXPECT_EQ(known.status, unknown.status) << i;
        EXPECT_EQ(known.problem(), unknown.problem()) << i;
        EXPECT_EQ(known.json().contains("locked_until"), unknown.json().contains("locked_until")) << i;
    }
}

TEST_F(TotpOverHttp, admin_needs_a_valid_totp_and_a_code_works_once)
{
    auto client = device_client(0);
    const auto& admin = service().user("admin");
    ASSERT_TRUE(admin.totp_secret);
    EXPECT_EQ(sign_in(*client, admin).problem(), "totp-required");
    auto code = totp_now(*admin.totp_secret);
    EXPECT_EQ(sign_in(*client, admin, code).status, 200u);
    auto replay = sign_in(*client, admin, code);
    EXPECT_EQ(replay.status, 401u);
    EXPECT_EQ(replay.problem(), "totp-invalid");
}

TEST_F(TotpOverHttp, skewed_code_beyond_one_step_is_refused)
{
    auto client = device_client(0);
    const auto& admin = service().user("admin");
    EXPECT_EQ(sign_in(*client, admin, totp_now(*admin.totp_secret, -3)).problem(), "totp-invalid");
    EXPECT_EQ(sign_in(*client, admin, totp_now(*admin.totp_secret, 3)).problem(), "totp-invalid");
    EXPECT_EQ(sign_in(*client, admin, totp_now(*admin.totp_secret, 1)).status, 200u);
}

TEST_F(RefreshTokens, refresh_rotates_both_tokens)
{
    auto session = signed_in(0, "student");
    auto reply = session.client->post("/v1/auth/refresh", { { "refresh_token", session.refresh } });
    ASSERT_EQ(reply.status, 200u) << reply.body;
    auto fresh = reply.json();
    EXPECT_NE(fresh["refresh_token"].get<std::string>(), session.refresh);
    EXPECT_EQ(session.client->get("/v1/me", fresh["access_token"].get<std::string>()).status, 200u);
}

TEST_F(RefreshTokens, reuse_of_spent_refresh_token_revokes_the_family)
{
    auto session = signed_in(0, "student");
    auto first = session.client->post("/v1/auth/refresh", { { "refresh_token", session.refresh } });
    ASSERT_EQ(first.status, 200u);
    auto newer_access = first.json()["access_token"].get<std::string>();
    auto newer_refresh = first.json()["refresh_token"].get<std::string>();
    auto reuse = session.client->post("/v1/auth/refresh", { { "refresh_token", session.refresh } });
    EXPECT_EQ(reuse.status, 401u);
    EXPECT_EQ(reuse.problem(), "token-invalid");
    EXPECT_EQ(session.client->get("/v1/me", newer_access).problem(), "token-invalid");
    EXPECT_EQ(
        session.client->post("/v1/auth/refresh", { { "refresh_token", newer_refresh } }).problem(), "token-invalid");
}

TEST_F(RefreshTokens, refresh_token_from_another_device_is_refused)
{
    auto session = signed_in(0, "student");
    auto thief = device_client(1);
    EXPECT_EQ(thief->post("/v1/auth/refresh", { { "refresh_token", session.refresh } }).problem(), "token-invalid");
    EXPECT_EQ(session.client->get("/v1/me", session.access).problem(), "token-invalid") << "the family is revoked";
}

TEST_F(RefreshTokens, logout_revokes_access_and_refresh)
{
    auto session = signed_in(0, "student");
    auto reply = session.client->request("POST", "/v1/auth/logout", {}, session.access);
    EXPECT_EQ(reply.status, 204u);
    EXPECT_EQ(session.client->get("/v1/me", session.access).problem(), "token-invalid");
    EXPECT_EQ(
        session.client->post("/v1/auth/refresh", { { "refresh_token", session.refresh } }).problem(), "token-invalid");
}

TEST_F(Suspension, suspending_a_user_kills_every_token_at_once)
{
    auto first = signed_in(0, "student");
    auto second = signed_in(1, "student");
    ASSERT_EQ(service().admin({ "user", "suspend", "hanako" }), 0);
    EXPECT_EQ(first.client->get("/v1/me", first.access).problem(), "token-invalid");
    EXPECT_EQ(second.client->get("/v1/me", second.access).problem(), "token-invalid");
    EXPECT_EQ(
        first.client->post("/v1/auth/refresh", { { "refresh_token", first.refresh } }).problem(), "token-invalid");
    EXPECT_EQ(sign_in(*first.client, service().user("student")).problem(), "invalid-credentials");
}
