#pragma once

// Users and sign-in (stage 2, REQ AUTH-2..5, AUTH-7).
//
// Sign-in runs in three steps so the slow part holds no lock: read the
// account (or, for an unknown login ID, its failure counter), run PBKDF2
// outside the database lock (against a dummy hash of the same cost when the
// ID is unknown, so both take as long), then decide and record in one write
// transaction. Unknown IDs count failures and lock exactly as known ones do,
// so neither the answers nor their timing say whether an ID exists.

#include <optional>
#include <string>
#include <vector>

#include "lending/clock.h"
#include "lending/model.h"
#include "lending/store.h"
#include "lending/tokens.h"

namespace hondana::lending {

struct NewUser {
    std::string login_id;
    std::string display_name;
    Role role { Role::Student };
    std::optional<std::string> school; // required except for tenant-wide admins
    std::vector<std::string> classes;  // names of classes of that school
    std::optional<int> reading_level;
    std::string password;              // must meet the tenant's rule
    bool temporary_password { false }; // issued by an admin: to be changed at the first sign-in
};

struct CreatedUser {
    UserInfo user;
    // Teachers and admins get a TOTP secret at creation (admins must use it;
    // teachers when the tenant says so). Shown once, to enrol an authenticator.
    std::optional<std::string> totp_secret_base32;
    std::optional<std::string> totp_uri;
};

struct LoginRequest {
    std::string login_id;
    std::string password;
    std::optional<std::string> totp;
};

// A user's own password change (POST /v1/me/password).
struct PasswordChange {
    std::string current_password;
    std::string new_password;
};

struct PasswordChanged {
    SignIn sign_in;       // a new session on the caller's device
    int signed_out { 0 }; // sessions revoked: every earlier one of the user, this device's too
};

class Accounts {
public:
    Accounts(Store& store, const Clock& clock);

    // Checks the password rule and adds the user. Conflict when the login ID
    // is taken, including by a deleted account (REQ AUTH-7).
    [[nodiscard]] Result<CreatedUser> add_user(
        const std::string& actor, std::string_view tenant_slug, const NewUser& user);

    // Adds a user whose password is already hashed, inside the caller's
    // transaction (roster import hashes first, then writes everything at once).
    [[nodiscard]] static Result<CreatedUser> insert_user(storage::Database& db, base::Timestamp now,
        const Tenant& tenant, const NewUser& user, const std::string& password_hash, const std::string& actor);

    // Stage 2 sign-in on an authenticated device. Slow by design (PBKDF2):
    // call it from a worker pool, not a network thread.
    [[nodiscard]] Result<SignIn> login(const DeviceIdentity& device, const LoginRequest& request);

    // The caller changes their own password (REQ AUTH-2, AUTH-3, AUTH-5).
    // A wrong current password counts towards the lockout exactly as a failed
    // sign-in does (InvalidCredentials with remaining_attempts, then
    // AccountLocked); a new password that breaks the tenant's rule, or is the
    // current one, is WeakPassword with the rules named. On success the hash
    // is replaced, every session of the user is revoked (other devices must
    // sign in again; open event streams end) and this device gets a new
    // session. Audited as auth.password_change, without password material.
    // Slow by design (PBKDF2 twice): call it from the worker pool.
    [[nodiscard]] Result<PasswordChanged> change_password(const Caller& caller, const PasswordChange& change);

    // Admin operations. Each is audited with the values before and after.
    [[nodiscard]] Result<void> lock(const std::string& actor, std::string_view tenant_slug, std::string_view login_id);
    [[nodiscard]] Result<void> unlock(
        const std::string& actor, std::string_view tenant_slug, std::string_view login_id);
    // Suspension revokes every session of the user at once.
    [[nodiscard]] Result<void> suspend(
        const std::string& actor, std::string_view tenant_slug, std::string_view login_id);
    [[nodiscard]] Result<void> resume(
        const std::string& actor, std::string_view tenant_slug, std::string_view login_id);
    // Deletion keeps the login ID reserved forever, drops the password and
    // TOTP secret, revokes sessions, returns loans and cancels reservations.
    [[nodiscard]] Result<void> remove(
        const std::string& actor, std::string_view tenant_slug, std::string_view login_id);
    // Sets `password` (or a generated one when empty), clears the lock and
    // revokes sessions. A temporary password must be changed at the next
    // sign-in. Returns the password set.
    [[nodiscard]] Result<std::string> reset_password(const std::string& actor, std::string_view tenant_slug,
        std::string_view login_id, const std::string& password, bool temporary);
    // A new TOTP secret for a teacher or admin (a lost phone).
    [[nodiscard]] Result<CreatedUser> reset_totp(
        const std::string& actor, std::string_view tenant_slug, std::string_view login_id);

    [[nodiscard]] Result<UserInfo> find_user(std::string_view tenant_slug, std::string_view login_id);

private:
    struct Attempt;
    struct Decision;
    struct ChangeAttempt;
    struct ChangeDecision;
    [[nodiscard]] Result<ChangeAttempt> read_change_attempt(const Caller& caller);
    [[nodiscard]] Result<ChangeDecision> decide_change(
        storage::Database& db, base::Timestamp now, const Caller& caller, const ChangeAttempt& attempt);
    [[nodiscard]] Result<Attempt> read_attempt(const DeviceIdentity& device, const LoginRequest& request);
    [[nodiscard]] Result<Decision> decide(storage::Database& db, base::Timestamp now, const DeviceIdentity& device,
        const LoginRequest& request, const Attempt& attempt);
    [[nodiscard]] Result<void> change_status(
        const std::string& actor, std::string_view tenant_slug, std::string_view login_id, std::string_view action);

    Store& m_store;
    const Clock& m_clock;
};

// Whether a role must present TOTP under a policy (REQ AUTH-4).
[[nodiscard]] bool totp_required(Role role, const TenantPolicy& policy);

}
