#include "lending_fixture.h"

#include "lending/password.h"

using namespace hondana;
using namespace hondana::lending;
using hondana::test::LendingFixture;
using hondana::test::strong_password;

namespace {

class LoginLockout : public LendingFixture { };
class LoginTotp : public LendingFixture { };
class LoginRules : public LendingFixture { };

}

TEST_F(LoginRules, right_password_on_enrolled_device_signs_in)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    auto signed_in = login(device, "hanako");
    ASSERT_TRUE(signed_in) << signed_in.error().message;
    EXPECT_EQ(signed_in->user.login_id, "hanako");
    EXPECT_EQ(signed_in->user.school, "North School");
    EXPECT_EQ(signed_in->user.classes, std::vector<std::string> { "5-1" });
    EXPECT_LT(signed_in->tokens.access_expires_at, signed_in->tokens.refresh_expires_at);
}

TEST_F(LoginRules, wrong_password_and_unknown_id_answer_alike)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    auto wrong = login(device, "hanako", "Wrong-Password-1!");
    auto unknown = login(device, "nobody", "Wrong-Password-1!");
    ASSERT_FALSE(wrong);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(wrong.error().kind, ErrorKind::InvalidCredentials);
    EXPECT_EQ(unknown.error().kind, ErrorKind::InvalidCredentials);
    EXPECT_EQ(wrong.error().message, unknown.error().message);
    EXPECT_EQ(wrong.error().details, unknown.error().details);
}

TEST_F(LoginRules, user_of_another_school_is_refused_after_password)
{
    add_user("hanako", Role::Student, "South School");
    auto device = enrol("tab-1", "North School");
    auto signed_in = login(device, "hanako");
    ASSERT_FALSE(signed_in);
    EXPECT_EQ(signed_in.error().kind, ErrorKind::WrongSchool);
    // a wrong password still says only that
    auto wrong = login(device, "hanako", "Wrong-Password-1!");
    EXPECT_EQ(wrong.error().kind, ErrorKind::InvalidCredentials);
}

TEST_F(LoginRules, user_of_another_tenant_is_unknown)
{
    add_tenant("town", "Other Town");
    ASSERT_TRUE(m_service->directory().add_school(admin, "town", "North School"));
    add_user("jiro", Role::Student, "North School", std::nullopt, "town");
    auto device = enrol("tab-1");
    auto signed_in = login(device, "jiro");
    ASSERT_FALSE(signed_in);
    EXPECT_EQ(signed_in.error().kind, ErrorKind::InvalidCredentials);
}

TEST_F(LoginRules, suspended_and_deleted_users_cannot_sign_in)
{
    add_user("hanako", Role::Student);
    add_user("ichiro", Role::Student);
    auto device = enrol("tab-1");
    ASSERT_TRUE(m_service->accounts().suspend(admin, "city", "hanako"));
    ASSERT_TRUE(m_service->accounts().remove(admin, "city", "ichiro"));
    EXPECT_EQ(login(device, "hanako").error().kind, ErrorKind::InvalidCredentials);
    EXPECT_EQ(login(device, "ichiro").error().kind, ErrorKind::InvalidCredentials);
    ASSERT_TRUE(m_service->accounts().resume(admin, "city", "hanako"));
    EXPECT_TRUE(login(device, "hanako"));
}

TEST_F(LoginRules, deleted_admin_login_id_is_never_reused)
{
    auto created = add_user("boss", Role::Admin, "");
    ASSERT_TRUE(m_service->accounts().remove(admin, "city", "boss"));
    NewUser again;
    again.login_id = "boss";
    again.display_name = "New boss";
    again.role = Role::Admin;
    again.password = strong_password;
    auto added = m_service->accounts().add_user(admin, "city", again);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().kind, ErrorKind::Conflict);
    auto device = enrol("tab-1");
    auto code = current_totp(*created.totp_secret_base32);
    EXPECT_EQ(login(device, "boss", strong_password, code).error().kind, ErrorKind::InvalidCredentials);
}

TEST_F(LoginRules, hash_is_upgraded_on_next_login_when_tenant_raises_cost)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    ASSERT_TRUE(m_service->directory().set_policy(admin, "city", "pbkdf2_iterations", "600000"));
    ASSERT_TRUE(login(device, "hanako"));
    auto stored = m_service->store().read([](storage::Database& db) -> Result<std::string> {
        return TRY_DB(db.query_text("SELECT password_hash FROM users WHERE login_id = 'hanako'"));
    });
    ASSERT_TRUE(stored);
    EXPECT_EQ(parse_password_hash(*stored)->iterations, 600000u);
    EXPECT_TRUE(login(device, "hanako"));
}

TEST_F(LoginLockout, locks_account_after_ten_failures)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    for (int i = 1; i < 10; ++i)
        EXPECT_EQ(login(device, "hanako", "Wrong-Password-1!").error().kind, ErrorKind::InvalidCredentials) << i;
    auto tenth = login(device, "hanako", "Wrong-Password-1!");
    ASSERT_FALSE(tenth);
    EXPECT_EQ(tenth.error().kind, ErrorKind::AccountLocked);
    EXPECT_TRUE(tenth.error().details.contains("locked_until"));
    auto right = login(device, "hanako");
    ASSERT_FALSE(right);
    EXPECT_EQ(right.error().kind, ErrorKind::AccountLocked);
}

TEST_F(LoginLockout, success_resets_the_failure_count)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    for (int i = 0; i < 9; ++i)
        (void)login(device, "hanako", "Wrong-Password-1!");
    ASSERT_TRUE(login(device, "hanako"));
    for (int i = 0; i < 9; ++i)
        EXPECT_EQ(login(device, "hanako", "Wrong-Password-1!").error().kind, ErrorKind::InvalidCredentials);
}

TEST_F(LoginLockout, unknown_login_id_locks_exactly_like_a_known_one)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    std::vector<Error> known, unknown;
    for (int i = 0; i < 11; ++i) {
        known.push_back(login(device, "hanako", "Wrong-Password-1!").error());
        unknown.push_back(login(device, "ghost", "Wrong-Password-1!").error());
    }
    for (size_t i = 0; i < known.size(); ++i) {
        EXPECT_EQ(known[i].kind, unknown[i].kind) << "attempt " << i + 1;
        EXPECT_EQ(known[i].message, unknown[i].message);
        EXPECT_EQ(known[i].details, unknown[i].details) << "attempt " << i + 1;
    }
    EXPECT_EQ(unknown.back().kind, ErrorKind::AccountLocked);
}

TEST_F(LoginLockout, lock_ends_after_configured_period)
{
    ASSERT_TRUE(m_service->directory().set_policy(admin, "city", "lockout_minutes", "15"));
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    for (int i = 0; i < 10; ++i)
        (void)login(device, "hanako", "Wrong-Password-1!");
    EXPECT_EQ(login(device, "hanako").error().kind, ErrorKind::AccountLocked);
    m_clock.advance(std::chrono::minutes(14));
    EXPECT_EQ(login(device, "hanako").error().kind, ErrorKind::AccountLocked);
    m_clock.advance(std::chrono::minutes(2));
    EXPECT_TRUE(login(device, "hanako"));
}

TEST_F(LoginLockout, admin_unlock_ends_the_lock)
{
    ASSERT_TRUE(m_service->directory().set_policy(admin, "city", "lockout_minutes", "0"));
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    for (int i = 0; i < 10; ++i)
        (void)login(device, "hanako", "Wrong-Password-1!");
    auto locked = login(device, "hanako");
    ASSERT_FALSE(locked);
    EXPECT_EQ(locked.error().kind, ErrorKind::AccountLocked);
    EXPECT_FALSE(locked.error().details.contains("locked_until")) << "locked until an admin unlocks";
    m_clock.advance(std::chrono::hours(24 * 30));
    EXPECT_EQ(login(device, "hanako").error().kind, ErrorKind::AccountLocked);
    ASSERT_TRUE(m_service->accounts().unlock(admin, "city", "hanako"));
    EXPECT_TRUE(login(device, "hanako"));
}

TEST_F(LoginLockout, threshold_follows_tenant_policy)
{
    ASSERT_TRUE(m_service->directory().set_policy(admin, "city", "lockout_threshold", "3"));
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    EXPECT_EQ(login(device, "hanako", "Wrong-Password-1!").error().kind, ErrorKind::InvalidCredentials);
    EXPECT_EQ(login(device, "hanako", "Wrong-Password-1!").error().kind, ErrorKind::InvalidCredentials);
    EXPECT_EQ(login(device, "hanako", "Wrong-Password-1!").error().kind, ErrorKind::AccountLocked);
}

TEST_F(LoginTotp, admin_needs_totp_after_right_password)
{
    auto created = add_user("boss", Role::Admin, "");
    ASSERT_TRUE(created.totp_secret_base32);
    auto device = enrol("tab-1");
    EXPECT_EQ(login(device, "boss").error().kind, ErrorKind::TotpRequired);
    auto signed_in = login(device, "boss", strong_password, current_totp(*created.totp_secret_base32));
    ASSERT_TRUE(signed_in) << signed_in.error().message;
    EXPECT_EQ(signed_in->user.role, Role::Admin);
}

TEST_F(LoginTotp, totp_code_is_never_accepted_twice)
{
    auto created = add_user("boss", Role::Admin, "");
    auto device = enrol("tab-1");
    auto code = current_totp(*created.totp_secret_base32);
    ASSERT_TRUE(login(device, "boss", strong_password, code));
    auto replay = login(device, "boss", strong_password, code);
    ASSERT_FALSE(replay);
    EXPECT_EQ(replay.error().kind, ErrorKind::TotpInvalid);
}

TEST_F(LoginTotp, skewed_totp_is_refused_beyond_one_step)
{
    auto created = add_user("boss", Role::Admin, "");
    auto device = enrol("tab-1");
    auto secret = *base32_decode(*created.totp_secret_base32);
    auto step = totp_step(m_clock.now());
    auto late = login(device, "boss", strong_password, *totp_code(secret, step - 2));
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().kind, ErrorKind::TotpInvalid);
    EXPECT_TRUE(login(device, "boss", strong_password, *totp_code(secret, step - 1)));
}

TEST_F(LoginTotp, wrong_totp_counts_towards_lockout)
{
    ASSERT_TRUE(m_service->directory().set_policy(admin, "city", "lockout_threshold", "3"));
    auto created = add_user("boss", Role::Admin, "");
    auto device = enrol("tab-1");
    EXPECT_EQ(login(device, "boss", strong_password, "000000").error().kind, ErrorKind::TotpInvalid);
    EXPECT_EQ(login(device, "boss", strong_password, "000001").error().kind, ErrorKind::TotpInvalid);
    EXPECT_EQ(login(device, "boss", strong_password, "000002").error().kind, ErrorKind::AccountLocked);
}

TEST_F(LoginTotp, teacher_totp_follows_tenant_policy)
{
    auto teacher = add_user("sensei", Role::Teacher);
    ASSERT_TRUE(teacher.totp_secret_base32) << "teachers get a secret so the policy can be switched on later";
    auto device = enrol("tab-1");
    EXPECT_TRUE(login(device, "sensei"));
    ASSERT_TRUE(m_service->directory().set_policy(admin, "city", "teacher_totp", "true"));
    EXPECT_EQ(login(device, "sensei").error().kind, ErrorKind::TotpRequired);
    EXPECT_TRUE(login(device, "sensei", strong_password, current_totp(*teacher.totp_secret_base32)));
}
