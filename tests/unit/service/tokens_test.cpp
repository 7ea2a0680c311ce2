#include "lending_fixture.h"

using namespace hondana;
using namespace hondana::lending;
using hondana::test::LendingFixture;

namespace {

class SessionTokens : public LendingFixture { };

}

TEST_F(SessionTokens, access_token_expires_and_refresh_renews_it)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    auto signed_in = login(device, "hanako");
    ASSERT_TRUE(signed_in);
    EXPECT_TRUE(m_service->tokens().authenticate(device.identity, signed_in->tokens.access_token));
    m_clock.advance(std::chrono::minutes(16));
    auto expired = m_service->tokens().authenticate(device.identity, signed_in->tokens.access_token);
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().kind, ErrorKind::TokenInvalid);
    auto renewed = m_service->tokens().refresh(device.identity, signed_in->tokens.refresh_token);
    ASSERT_TRUE(renewed) << renewed.error().message;
    EXPECT_TRUE(m_service->tokens().authenticate(device.identity, renewed->tokens.access_token));
}

TEST_F(SessionTokens, spent_refresh_token_revokes_its_whole_family)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    auto first = login(device, "hanako");
    auto second = m_service->tokens().refresh(device.identity, first->tokens.refresh_token);
    ASSERT_TRUE(second);
    auto reuse = m_service->tokens().refresh(device.identity, first->tokens.refresh_token);
    ASSERT_FALSE(reuse);
    EXPECT_EQ(reuse.error().kind, ErrorKind::TokenInvalid);
    EXPECT_FALSE(m_service->tokens().authenticate(device.identity, second->tokens.access_token));
    EXPECT_FALSE(m_service->tokens().refresh(device.identity, second->tokens.refresh_token));
}

TEST_F(SessionTokens, other_sessions_of_the_user_survive_a_family_revocation)
{
    add_user("hanako", Role::Student);
    auto tablet = enrol("tab-1");
    auto spare = enrol("tab-2");
    auto on_tablet = login(tablet, "hanako");
    auto on_spare = login(spare, "hanako");
    ASSERT_TRUE(m_service->tokens().refresh(tablet.identity, on_tablet->tokens.refresh_token));
    (void)m_service->tokens().refresh(tablet.identity, on_tablet->tokens.refresh_token); // reuse: family revoked
    EXPECT_TRUE(m_service->tokens().authenticate(spare.identity, on_spare->tokens.access_token));
}

TEST_F(SessionTokens, revoking_a_device_kills_its_sessions)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    auto signed_in = login(device, "hanako");
    ASSERT_TRUE(m_service->devices().revoke(admin, "city", "tab-1"));
    auto certificate = drm::Certificate::from_pem(device.certificate_pem);
    auto identity = m_service->devices().authenticate(certificate->der());
    ASSERT_FALSE(identity);
    EXPECT_EQ(identity.error().kind, ErrorKind::DeviceRevoked);
    // even with the identity remembered, the family is gone
    EXPECT_FALSE(m_service->tokens().authenticate(device.identity, signed_in->tokens.access_token));
    EXPECT_FALSE(m_service->tokens().refresh(device.identity, signed_in->tokens.refresh_token));
}

TEST_F(SessionTokens, password_reset_signs_the_user_out_everywhere)
{
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    auto signed_in = login(device, "hanako");
    auto password = m_service->accounts().reset_password(admin, "city", "hanako", "", true);
    ASSERT_TRUE(password) << password.error().message;
    EXPECT_FALSE(m_service->tokens().authenticate(device.identity, signed_in->tokens.access_token));
    EXPECT_FALSE(login(device, "hanako"));
    EXPECT_TRUE(login(device, "hanako", *password));
}

TEST_F(SessionTokens, refresh_family_ends_after_session_days)
{
    ASSERT_TRUE(m_service->directory().set_policy(admin, "city", "session_days", "2"));
    ASSERT_TRUE(m_service->directory().set_policy(admin, "city", "refresh_token_days", "30"));
    add_user("hanako", Role::Student);
    auto device = enrol("tab-1");
    auto tokens = login(device, "hanako")->tokens;
    m_clock.advance(std::chrono::hours(24));
    auto renewed = m_service->tokens().refresh(device.identity, tokens.refresh_token);
    ASSERT_TRUE(renewed);
    m_clock.advance(std::chrono::hours(25));
    EXPECT_FALSE(m_service->tokens().refresh(device.identity, renewed->tokens.refresh_token));
}
