// Sign-in (online and offline), resuming a signed-in user, sign-out.

#include "hondana/reader/reader.h"

namespace hondana::reader {

namespace {

constexpr const char* current_login_setting = "current_login";

sync::User user_from(const store::UserProfile& profile)
{
    return { profile.user_id, profile.login_id, profile.display_name, profile.role, profile.school, profile.classes,
        false };
}

store::UserProfile profile_from(const sync::User& user)
{
    return { user.id, user.login_id, user.display_name, user.role, user.school, user.classes };
}

}

Result<void> Reader::require_store() const
{
    if (!m_store)
        return fail(ErrorKind::NotSignedIn, "[store.no_local_store] nobody is signed in: run hondana-cli login");
    return {};
}

Result<SignInResult> Reader::sign_in(std::string_view login_id, std::string_view password,
    std::optional<std::string> totp, std::optional<std::string> previous_password)
{
    if (!enrolled())
        return fail(ErrorKind::NotEnrolled, "[platform.not_enrolled] this device is not enrolled: run hondana-cli enrol");
    if (login_id.empty() || password.empty())
        return fail(ErrorKind::Usage, "a login ID and a password are needed");
    auto report = check_network();
    if (report.state == platform::NetworkTrustState::Trusted)
        return sign_in_online(login_id, password, std::move(totp), previous_password);
    return sign_in_offline(login_id, password);
}

Result<SignInResult> Reader::sign_in_online(std::string_view login_id, std::string_view password,
    std::optional<std::string> totp, const std::optional<std::string>& previous_password)
{
    auto* service = TRY(client(true));
    m_login_id = std::string(login_id);
    auto session = service->login(login_id, password, std::move(totp));
    if (!session) {
        if (session.error().kind != sync::ErrorKind::TotpRequired)
            audit(store::audit_type::sign_in_failed, std::nullopt, std::string(sync::error_code(session.error().kind)));
        m_login_id = current_login();
        return tl::make_unexpected(service_failure(session.error()));
    }
    m_positions.reset();
    std::optional<std::string_view> previous;
    if (previous_password && !previous_password->empty())
        previous = *previous_password;
    m_store = TRY(
        store::UserStore::open_online(m_paths, *m_key_store, *m_device, login_id, password, m_options.kdf, previous)
            .map_error(from_store));
    TRY(m_store->save_profile(profile_from(session->user)).map_error(from_store));
    TRY(m_store->save_session({ session->access_token, session->access_expires_at, session->refresh_token,
                                    session->refresh_expires_at })
            .map_error(from_store));
    TRY(m_device->set_setting(current_login_setting, std::string(login_id)).map_error(from_store));
    audit(store::audit_type::sign_in, std::nullopt,
        session->user.must_change_password ? "online; password change required" : "online");
    (void)upload_audit();
    return SignInResult { store::SignInMode::Online, session->user };
}

Result<SignInResult> Reader::sign_in_offline(std::string_view login_id, std::string_view password)
{
    auto report = m_network->last();
    if (!m_policy.allow_offline_reading)
        return fail(ErrorKind::NetworkUntrusted, "[store.offline_not_allowed] the network is not trusted ("
                + report.reason + ") and the policy does not allow offline sign-in");
    m_login_id = std::string(login_id);
    auto opened = store::UserStore::open_offline(
        m_paths, *m_key_store, *m_device, login_id, password, m_policy.offline_signin_attempts);
    if (!opened) {
        auto type = opened.error().kind == store::ErrorKind::OfflineSignInLocked ? store::audit_type::sign_in_offline_locked
                                                                                 : store::audit_type::sign_in_offline_failed;
        audit(type, std::nullopt, std::string(store::error_code(opened.error().kind)));
        auto error = from_store(opened.error());
        error.message += " (offline: " + report.reason + ")";
        return tl::make_unexpected(error);
    }
    m_positions.reset();
    m_store = std::move(*opened);
    TRY(m_device->set_setting(current_login_setting, std::string(login_id)).map_error(from_store));
    audit(store::audit_type::sign_in_offline, std::nullopt, "offline: " + report.reason);
    auto profile = TRY(m_store->profile().map_error(from_store));
    sync::User user = profile ? user_from(*profile) : sync::User { {}, std::string(login_id), {}, {}, {}, {}, false };
    return SignInResult { store::SignInMode::Offline, user };
}

Result<SignInResult> Reader::resume(std::string_view password)
{
    if (!enrolled())
        return fail(ErrorKind::NotEnrolled, "[platform.not_enrolled] this device is not enrolled: run hondana-cli enrol");
    if (!m_login_id)
        return fail(ErrorKind::NotSignedIn, "[store.no_local_store] nobody is signed in: run hondana-cli login");
    // The password unwraps the store whether or not the network is trusted;
    // failures count towards the offline lockout either way.
    auto opened = store::UserStore::open_offline(
        m_paths, *m_key_store, *m_device, *m_login_id, password, m_policy.offline_signin_attempts);
    if (!opened) {
        audit(store::audit_type::sign_in_offline_failed, std::nullopt, std::string(store::error_code(opened.error().kind)));
        return tl::make_unexpected(from_store(opened.error()));
    }
    m_positions.reset();
    m_store = std::move(*opened);
    auto profile = TRY(m_store->profile().map_error(from_store));
    auto mode = check_network().state == platform::NetworkTrustState::Trusted ? store::SignInMode::Online
                                                                              : store::SignInMode::Offline;
    return SignInResult { mode, profile ? user_from(*profile) : sync::User { {}, *m_login_id, {}, {}, {}, {}, false } };
}

Result<void> Reader::ensure_access_token()
{
    TRY(require_store());
    auto* service = TRY(client(true));
    auto session = TRY(m_store->session().map_error(from_store));
    if (!session)
        return fail(ErrorKind::NotSignedIn, "[sync.token_invalid] no online session: run hondana-cli login");
    auto now = trusted_now().now;
    if (now + std::chrono::seconds(30) < session->access_expires_at) {
        service->set_access_token(session->access_token);
        return {};
    }
    if (now >= session->refresh_expires_at)
        return fail(ErrorKind::NotSignedIn, "[sync.token_invalid] the session expired: run hondana-cli login");
    auto refreshed = service->refresh(session->refresh_token);
    if (!refreshed)
        return tl::make_unexpected(service_failure(refreshed.error()));
    TRY(m_store->save_session({ refreshed->access_token, refreshed->access_expires_at, refreshed->refresh_token,
                                    refreshed->refresh_expires_at })
            .map_error(from_store));
    return {};
}

Result<void> Reader::sign_out()
{
    TRY(require_store());
    if (check_network().state == platform::NetworkTrustState::Trusted && ensure_access_token()) {
        auto* service = TRY(client(true));
        (void)service->logout();
    }
    TRY(m_store->clear_session().map_error(from_store));
    audit(store::audit_type::sign_out, std::nullopt, "");
    if (m_network->trusted())
        (void)upload_audit();
    TRY(m_device->set_setting(current_login_setting, std::nullopt).map_error(from_store));
    m_positions.reset();
    m_store.reset();
    m_login_id.reset();
    return {};
}

}
