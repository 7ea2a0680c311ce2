// The signed-in user's own password change (docs/reader.md "Changing the password").

#include "hondana/reader/reader.h"

namespace hondana::reader {

namespace {

// Whether the service may have changed the password although no answer came
// back (the request could have arrived before the connection broke).
bool outcome_unknown(sync::ErrorKind kind)
{
    return kind == sync::ErrorKind::Unreachable || kind == sync::ErrorKind::Timeout;
}

}

Result<int64_t> Reader::change_password(std::string_view current_password, std::string_view new_password)
{
    TRY(require_store());
    if (current_password.empty() || new_password.empty())
        return fail(ErrorKind::Usage, "the current and the new password are needed");
    TRY(ensure_access_token());
    auto* service = TRY(client(true));
    // First the new wrap beside the old one, so whatever happens next the
    // store opens with the password the service ends up with.
    TRY(m_store->prepare_password_change(*m_key_store, new_password, m_options.kdf).map_error(from_store));
    auto changed = service->change_password(current_password, new_password);
    if (!changed) {
        if (!outcome_unknown(changed.error().kind))
            TRY(m_store->abandon_password_change().map_error(from_store));
        audit(store::audit_type::password_change_failed, std::nullopt,
            std::string(sync::error_code(changed.error().kind)));
        return tl::make_unexpected(service_failure(changed.error()));
    }
    TRY(m_store->commit_password_change().map_error(from_store));
    const auto& session = changed->session;
    TRY(m_store
            ->save_session(
                { session.access_token, session.access_expires_at, session.refresh_token, session.refresh_expires_at })
            .map_error(from_store));
    TRY(m_device->reset_offline_failures(m_store->login_id()).map_error(from_store));
    audit(store::audit_type::password_changed, std::nullopt,
        "online; " + std::to_string(changed->signed_out_sessions) + " sessions signed out");
    (void)upload_audit();
    return changed->signed_out_sessions;
}

}
