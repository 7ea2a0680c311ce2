// POST /v1/me/password against the real hondana-lending: a user changes their
// own password over the device-authenticated channel (AUTH-2, AUTH-3, LOG-1).

#include <fstream>
#include <sstream>

#include "event_stream_client.h"
#include "integration_fixture.h"

using namespace hondana;
using namespace hondana::test;

namespace {

constexpr const char* new_password = "Sakura-Blooms-77?";

class PasswordChange : public ServiceTest {
protected:
    HttpReply change(Session& session, const std::string& current, const std::string& next)
    {
        return session.client->post(
            "/v1/me/password", { { "current_password", current }, { "new_password", next } }, session.access);
    }

    HttpReply sign_in_with(TlsClient& client, const std::string& login, const std::string& password)
    {
        return client.post("/v1/auth/login", { { "login_id", login }, { "password", password } });
    }

    // The audit log as exported by hondana-admin (JSON Lines), and its lines.
    std::vector<nlohmann::json> audit_entries(std::string* text = nullptr)
    {
        auto file = service().work_dir() / "audit.jsonl";
        EXPECT_EQ(service().admin({ "audit", "export", "--output", file.string() }), 0);
        std::ifstream in(file);
        std::stringstream whole;
        whole << in.rdbuf();
        if (text)
            *text = whole.str();
        std::vector<nlohmann::json> entries;
        std::istringstream lines(whole.str());
        for (std::string line; std::getline(lines, line);)
            if (!line.empty())
                entries.push_back(nlohmann::json::parse(line, nullptr, false));
        return entries;
    }
};

bool wait_end(EventStreamClient& stream)
{
    // The service asks again at every heartbeat (20 s); a minute is plenty.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!stream.ended() && std::chrono::steady_clock::now() < deadline)
        (void)stream.next(std::chrono::seconds(5));
    return stream.ended();
}

}

TEST_F(PasswordChange, new_password_works_old_is_refused_and_every_other_session_ends)
{
    auto here = signed_in(0, "student");
    auto other = signed_in(1, "student");
    EventStreamClient other_stream(service(), other.device);
    ASSERT_EQ(other_stream.open(other.access).status, 200u);
    EventStreamClient own_stream(service(), here.device);
    ASSERT_EQ(own_stream.open(here.access).status, 200u);
    auto reply = change(here, harness_password, new_password);
    ASSERT_EQ(reply.status, 200u) << reply.body;
    auto fresh = reply.json();
    EXPECT_EQ(fresh["user"]["login_id"], "hanako");
    EXPECT_EQ(fresh["signed_out_sessions"], 2);
    // This device carries on with the new tokens; its old ones are revoked.
    auto fresh_access = fresh["access_token"].get<std::string>();
    EXPECT_EQ(here.client->get("/v1/me", fresh_access).status, 200u);
    EXPECT_EQ(here.client->get("/v1/me", here.access).problem(), "token-invalid");
    EXPECT_EQ(here.client->post("/v1/auth/refresh", { { "refresh_token", here.refresh } }).problem(), "token-invalid");
    // The other device must sign in again: neither its access nor its refresh token works.
    EXPECT_EQ(other.client->get("/v1/me", other.access).problem(), "token-invalid");
    auto refused = other.client->post("/v1/auth/refresh", { { "refresh_token", other.refresh } });
    EXPECT_EQ(refused.status, 401u);
    EXPECT_EQ(refused.problem(), "token-invalid");
    EXPECT_TRUE(wait_end(other_stream)) << "the other device's event stream is still open";
    // This device's stream was of the revoked session too: it ends, and a new
    // one opens with the new access token.
    EXPECT_TRUE(wait_end(own_stream)) << "this device's old event stream is still open";
    EventStreamClient fresh_stream(service(), here.device);
    EXPECT_EQ(fresh_stream.open(fresh_access).status, 200u);
    // The old password is refused everywhere, the new one accepted.
    EXPECT_EQ(sign_in_with(*other.client, "hanako", harness_password).problem(), "invalid-credentials");
    EXPECT_EQ(sign_in_with(*other.client, "hanako", new_password).status, 200u);
}

TEST_F(PasswordChange, the_change_is_audited_with_actor_device_and_time_and_no_password)
{
    auto here = signed_in(0, "student");
    ASSERT_EQ(change(here, "Wrong-Password-9!", new_password).problem(), "invalid-credentials");
    ASSERT_EQ(change(here, harness_password, new_password).status, 200u);
    std::string text;
    auto entries = audit_entries(&text);
    std::vector<nlohmann::json> changes;
    for (const auto& entry : entries)
        if (entry.value("action", "") == "auth.password_change")
            changes.push_back(entry);
    ASSERT_EQ(changes.size(), 2u) << text;
    EXPECT_EQ(changes[0]["outcome"], "denied");
    const auto& done = changes[1];
    EXPECT_EQ(done["outcome"], "ok");
    EXPECT_EQ(done["actor"], "user:hanako");
    EXPECT_EQ(done["device"], here.device.device_id);
    EXPECT_EQ(done["target"], "hanako");
    auto time = done.value("time", "");
    ASSERT_FALSE(time.empty()) << done.dump();
    EXPECT_EQ(time.back(), 'Z') << time;
    EXPECT_EQ(text.find(new_password), std::string::npos) << "the new password is in the audit log";
    EXPECT_EQ(text.find(harness_password), std::string::npos) << "the old password is in the audit log";
}

TEST_F(PasswordChange, wrong_current_password_counts_towards_the_lockout_like_a_failed_sign_in)
{
    auto here = signed_in(0, "student");
    auto client = device_client(1);
    // Failed changes and failed sign-ins count on the same counter (default 10).
    for (int i = 1; i <= 9; ++i) {
        auto reply = i % 2 == 1 ? change(here, "Wrong-Password-9!", new_password)
                                : sign_in_with(*client, "hanako", "Wrong-Password-9!");
        ASSERT_EQ(reply.status, 401u) << i << reply.body;
        ASSERT_EQ(reply.problem(), "invalid-credentials") << i;
        EXPECT_EQ(reply.json()["remaining_attempts"], 10 - i) << i;
    }
    auto tenth = change(here, "Wrong-Password-9!", new_password);
    EXPECT_EQ(tenth.status, 423u) << tenth.body;
    EXPECT_EQ(tenth.problem(), "account-locked");
    EXPECT_TRUE(tenth.json().contains("locked_until"));
    // Locked: even the right current password changes nothing, and sign-in is refused.
    EXPECT_EQ(change(here, harness_password, new_password).problem(), "account-locked");
    EXPECT_EQ(sign_in_with(*client, "hanako", harness_password).problem(), "account-locked");
    ASSERT_EQ(service().admin({ "user", "unlock", "hanako" }), 0);
    EXPECT_EQ(sign_in_with(*client, "hanako", harness_password).status, 200u);
}

TEST_F(PasswordChange, a_weak_new_password_is_refused_naming_the_rule_and_nothing_changes)
{
    auto here = signed_in(0, "student");
    struct Case {
        const char* password;
        const char* rule;
    };
    const Case cases[] = { { "Sh0rt!ab", "min-length" }, { "alllowercase12!", "upper" }, { "ALLUPPERCASE12!", "lower" },
        { "No-Digits-Here!", "digit" }, { "NoSymbols12345", "symbol" }, { "Hanako-Reads-2026!", "login-id" },
        { "Password123!", "common" }, { harness_password, "reused" } };
    for (const auto& c : cases) {
        auto reply = change(here, harness_password, c.password);
        ASSERT_EQ(reply.status, 400u) << c.password << reply.body;
        EXPECT_EQ(reply.problem(), "weak-password") << c.password;
        auto body = reply.json();
        auto rules = body["rules"];
        EXPECT_NE(std::find(rules.begin(), rules.end(), c.rule), rules.end()) << c.password << " " << body.dump();
        EXPECT_EQ(body["min_length"], 10);
        EXPECT_FALSE(body["reasons"].empty());
    }
    // A weak new password with a wrong current one is a wrong password (counted), not a rule answer.
    EXPECT_EQ(change(here, "Wrong-Password-9!", "weak").problem(), "invalid-credentials");
    // Nothing changed: the session still works and the old password still signs in.
    EXPECT_EQ(here.client->get("/v1/me", here.access).status, 200u);
    EXPECT_EQ(sign_in_with(*here.client, "hanako", harness_password).status, 200u);
    // A missing member is a malformed request naming it.
    auto missing = here.client->post("/v1/me/password", { { "current_password", harness_password } }, here.access);
    EXPECT_EQ(missing.problem(), "malformed-request");
    EXPECT_EQ(missing.json()["field"], "new_password");
}

TEST_F(PasswordChange, needs_a_device_certificate_and_an_access_token)
{
    auto here = signed_in(0, "student");
    auto no_token = here.client->post(
        "/v1/me/password", { { "current_password", harness_password }, { "new_password", new_password } });
    EXPECT_EQ(no_token.status, 401u);
    EXPECT_EQ(no_token.problem(), "token-invalid");
    auto foreign = device_client(1);
    auto elsewhere = foreign->post(
        "/v1/me/password", { { "current_password", harness_password }, { "new_password", new_password } }, here.access);
    EXPECT_EQ(elsewhere.problem(), "token-invalid");
}
