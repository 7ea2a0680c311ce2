#pragma once

// Sign-in sessions (REQ AUTH-5): a short access token and a rotating refresh
// token, both bound to the device they were issued to. Only SHA-256 hashes
// of tokens are stored. Each refresh spends the token and issues a new pair
// in the same family (auth_sessions row); presenting a spent refresh token
// revokes the whole family, since one of the two holders is a thief.
// Suspending a user or revoking a device revokes every family at once, and
// every request checks the family, the user and the device again.

#include <string>

#include "lending/clock.h"
#include "lending/model.h"
#include "lending/store.h"

namespace hondana::lending {

struct TokenPair {
    std::string access_token;
    base::Timestamp access_expires_at;
    std::string refresh_token;
    base::Timestamp refresh_expires_at;
};

struct SignIn {
    TokenPair tokens;
    UserInfo user;
};

class Tokens {
public:
    Tokens(Store& store, const Clock& clock);

    // A new family for `user` on `device`, inside the caller's transaction.
    [[nodiscard]] static Result<TokenPair> start_session(storage::Database& db, base::Timestamp now,
        const TenantPolicy& policy, int64_t tenant_id, int64_t user_id, std::string_view device_id);

    // Spends `refresh_token` and returns a new pair. TokenInvalid for an
    // unknown, expired, revoked or foreign token; a spent one also revokes its family.
    [[nodiscard]] Result<SignIn> refresh(const DeviceIdentity& device, std::string_view refresh_token);

    // The caller behind an access token on this device. TokenInvalid otherwise.
    [[nodiscard]] Result<Caller> authenticate(const DeviceIdentity& device, std::string_view access_token);

    // Whether the caller's sign-in still stands: its family not revoked
    // (logout, suspension, password reset, device revocation), the user
    // active and the device not revoked. Long-lived event streams ask this
    // again on every heartbeat, so they end soon after such a change, even
    // one made by hondana-admin in another process.
    [[nodiscard]] Result<bool> still_signed_in(const Caller& caller);

    // Revokes the caller's family (logout).
    [[nodiscard]] Result<void> logout(const Caller& caller);

    // Revokes every live family of a user / a device, inside a transaction.
    [[nodiscard]] static Result<int> revoke_user_sessions(
        storage::Database& db, base::Timestamp now, int64_t user_id, std::string_view reason);
    [[nodiscard]] static Result<int> revoke_device_sessions(
        storage::Database& db, base::Timestamp now, std::string_view device_id, std::string_view reason);

private:
    Store& m_store;
    const Clock& m_clock;
};

// The user object, read inside a transaction.
[[nodiscard]] Result<UserInfo> load_user_info(storage::Database& db, int64_t user_id);

}
