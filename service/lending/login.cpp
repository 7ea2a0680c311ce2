// Accounts::login: stage 2 sign-in (see accounts.h for the three steps).

#include <algorithm>

#include "lending/accounts.h"
#include "lending/audit.h"
#include "lending/directory.h"
#include "lending/password.h"
#include "lending/totp.h"

namespace hondana::lending {

namespace {

// A failure counter: a user's, or an unknown login ID's (login_throttle).
struct Counter {
    int failed { 0 };
    bool locked { false };
    std::optional<std::string> until;
};

// Unknown IDs lock for this long when the tenant locks "until an admin
// unlocks" (no admin can unlock an ID that does not exist).
constexpr auto unknown_id_admin_lock = std::chrono::hours(24);

bool is_locked(const Counter& counter, const std::string& now_text)
{
    return counter.locked && (!counter.until || *counter.until > now_text);
}

Result<Counter> read_counter(
    storage::Database& db, int64_t tenant_id, std::optional<int64_t> user_id, std::string_view login_id)
{
    auto row = user_id ? TRY_DB(db.prepare("SELECT failed_logins, locked, locked_until FROM users WHERE id = ?1"))
                       : TRY_DB(db.prepare("SELECT failed_logins, locked, locked_until FROM login_throttle "
                                           "WHERE tenant_id = ?1 AND login_id = ?2"));
    if (user_id)
        row.bind(1, *user_id);
    else
        row.bind(1, tenant_id).bind(2, login_id);
    if (!TRY_DB(row.step()))
        return Counter {};
    return Counter { static_cast<int>(row.integer(0)), row.integer(1) != 0, row.optional_text(2) };
}

Result<void> write_counter(storage::Database& db, int64_t tenant_id, std::optional<int64_t> user_id,
    std::string_view login_id, const Counter& counter, const std::string& now_text)
{
    if (user_id) {
        auto update = TRY_DB(db.prepare(
            "UPDATE users SET failed_logins = ?1, locked = ?2, locked_until = ?3, updated_at = ?4 WHERE id = ?5"));
        update.bind(1, counter.failed).bind(2, counter.locked ? 1 : 0).bind(3, counter.until).bind(4, now_text);
        update.bind(5, *user_id);
        return update.run().map_error(from_storage);
    }
    auto remove = TRY_DB(db.prepare("DELETE FROM login_throttle WHERE tenant_id = ?1 AND login_id = ?2"));
    remove.bind(1, tenant_id).bind(2, login_id);
    TRY_DB(remove.run());
    if (counter.failed == 0 && !counter.locked)
        return {};
    auto insert = TRY_DB(db.prepare("INSERT INTO login_throttle (tenant_id, login_id, failed_logins, locked, "
                                    "locked_until, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    insert.bind(1, tenant_id).bind(2, login_id).bind(3, counter.failed).bind(4, counter.locked ? 1 : 0);
    insert.bind(5, counter.until).bind(6, now_text);
    return insert.run().map_error(from_storage);
}

nlohmann::json locked_details(const Counter& counter, const TenantPolicy& policy)
{
    // With "until an admin unlocks", no time is given, for known and unknown IDs alike.
    if (policy.lockout_minutes > 0 && counter.until)
        return { { "locked_until", *counter.until } };
    return nlohmann::json::object();
}

// Failures left before the lock. Unknown, suspended and deleted IDs count in
// login_throttle exactly as users do, so the number says nothing about whether
// an ID exists (AUTH-3).
nlohmann::json remaining_details(const Counter& counter, const TenantPolicy& policy)
{
    return { { "remaining_attempts", std::max(0, policy.lockout_threshold - counter.failed) } };
}

struct UserSecrets {
    Role role;
    std::optional<int64_t> school_id;
    std::string password_hash;
    std::string status;
    drm::Bytes totp_secret;
    uint64_t totp_last_step;
};

Result<UserSecrets> read_user_secrets(storage::Database& db, int64_t user_id)
{
    auto row = TRY_DB(db.prepare("SELECT role, school_id, COALESCE(password_hash, ''), status, totp_secret, "
                                 "totp_last_step FROM users WHERE id = ?1"));
    row.bind(1, user_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::Internal, "user vanished during sign-in");
    return UserSecrets { parse_role(row.text(0)).value_or(Role::Student), row.optional_integer(1), row.text(2),
        row.text(3), row.blob(4), static_cast<uint64_t>(row.integer(5)) };
}

// Accepts a TOTP code once: false when it is wrong, out of the window or used.
Result<bool> consume_totp(
    storage::Database& db, int64_t user_id, const UserSecrets& user, std::string_view code, base::Timestamp now)
{
    if (user.totp_secret.empty())
        return false;
    auto step = TRY(totp_verify(user.totp_secret, code, now, user.totp_last_step));
    if (!step)
        return false;
    auto used = TRY_DB(db.prepare("UPDATE users SET totp_last_step = ?1 WHERE id = ?2"));
    used.bind(1, static_cast<int64_t>(*step)).bind(2, user_id);
    TRY_DB(used.run());
    return true;
}

Result<void> store_hash(storage::Database& db, int64_t user_id, const std::string& hash)
{
    auto upgrade = TRY_DB(db.prepare("UPDATE users SET password_hash = ?1 WHERE id = ?2"));
    upgrade.bind(1, hash).bind(2, user_id);
    return upgrade.run().map_error(from_storage);
}

}

struct Accounts::Attempt {
    Tenant tenant;
    std::optional<int64_t> user_id;
    std::string stored_hash;
    bool locked { false };
    bool password_ok { false };
    std::optional<std::string> upgraded_hash;
};

struct Accounts::Decision {
    std::optional<SignIn> sign_in;
    ErrorKind refusal { ErrorKind::InvalidCredentials };
    std::string message;
    nlohmann::json details = nlohmann::json::object();
};

Result<Accounts::Attempt> Accounts::read_attempt(const DeviceIdentity& device, const LoginRequest& request)
{
    auto now_text = base::format_rfc3339(m_clock.now());
    return m_store.read([&](storage::Database& db) -> Result<Attempt> {
        Attempt attempt;
        attempt.tenant = TRY(load_tenant(db, device.tenant_id));
        auto row = TRY_DB(db.prepare("SELECT id, COALESCE(password_hash, '') FROM users "
                                     "WHERE tenant_id = ?1 AND login_id = ?2 AND status = 'active'"));
        row.bind(1, device.tenant_id).bind(2, request.login_id);
        if (TRY_DB(row.step())) {
            attempt.user_id = row.integer(0);
            attempt.stored_hash = row.text(1);
        } else {
            attempt.stored_hash = dummy_password_hash(attempt.tenant.policy.pbkdf2_iterations);
        }
        auto counter = TRY(read_counter(db, device.tenant_id, attempt.user_id, request.login_id));
        attempt.locked = is_locked(counter, now_text);
        return attempt;
    });
}

Result<Accounts::Decision> Accounts::decide(storage::Database& db, base::Timestamp now, const DeviceIdentity& device,
    const LoginRequest& request, const Attempt& attempt)
{
    const auto& policy = attempt.tenant.policy;
    auto now_text = base::format_rfc3339(now);
    AuditEntry audit { .tenant = device.tenant_slug,
        .actor = "user:" + request.login_id,
        .device = device.id,
        .action = "auth.login",
        .target = request.login_id };
    if (!attempt.user_id)
        audit.detail = "unknown or inactive login ID";
    auto counter = TRY(read_counter(db, device.tenant_id, attempt.user_id, request.login_id));
    if (counter.locked && !is_locked(counter, now_text))
        counter = Counter {}; // the lock period has passed
    if (is_locked(counter, now_text)) {
        audit.outcome = "locked";
        TRY(append_audit(db, now, audit));
        return Decision { {}, ErrorKind::AccountLocked, "account locked", locked_details(counter, policy) };
    }
    auto refuse = [&](ErrorKind kind, std::string message) -> Result<Decision> {
        counter.failed += 1;
        if (counter.failed >= policy.lockout_threshold) {
            counter.locked = true;
            if (policy.lockout_minutes > 0)
                counter.until = base::format_rfc3339(now + std::chrono::minutes(policy.lockout_minutes));
            else if (!attempt.user_id)
                counter.until = base::format_rfc3339(now + unknown_id_admin_lock);
        }
        TRY(write_counter(db, device.tenant_id, attempt.user_id, request.login_id, counter, now_text));
        audit.outcome = counter.locked ? "locked" : "denied";
        TRY(append_audit(db, now, audit));
        if (counter.locked)
            return Decision { {}, ErrorKind::AccountLocked, "account locked", locked_details(counter, policy) };
        return Decision { {}, kind, std::move(message), remaining_details(counter, policy) };
    };
    if (!attempt.user_id || !attempt.password_ok)
        return refuse(ErrorKind::InvalidCredentials, "login ID or password is wrong");
    auto user = TRY(read_user_secrets(db, *attempt.user_id));
    if (user.status != "active" || user.password_hash != attempt.stored_hash) // changed while we hashed
        return refuse(ErrorKind::InvalidCredentials, "login ID or password is wrong");
    if (totp_required(user.role, policy)) {
        if (!request.totp || request.totp->empty()) {
            audit.outcome = "totp_required";
            TRY(append_audit(db, now, audit));
            return Decision { {}, ErrorKind::TotpRequired, "a TOTP code is required", nlohmann::json::object() };
        }
        if (!TRY(consume_totp(db, *attempt.user_id, user, *request.totp, now)))
            return refuse(ErrorKind::TotpInvalid, "the TOTP code is wrong, out of time or already used");
    }
    if (user.school_id && *user.school_id != device.school_id) {
        audit.outcome = "wrong_school";
        TRY(append_audit(db, now, audit));
        return Decision { {}, ErrorKind::WrongSchool, "this user is not of the device's school",
            nlohmann::json::object() };
    }
    TRY(write_counter(db, device.tenant_id, attempt.user_id, request.login_id, Counter {}, now_text));
    if (attempt.upgraded_hash) {
        TRY(store_hash(db, *attempt.user_id, *attempt.upgraded_hash));
        audit.detail = "password hash upgraded to " + std::to_string(policy.pbkdf2_iterations) + " iterations";
    }
    auto tokens = TRY(Tokens::start_session(db, now, policy, device.tenant_id, *attempt.user_id, device.id));
    TRY(append_audit(db, now, audit));
    return Decision { SignIn { std::move(tokens), TRY(load_user_info(db, *attempt.user_id)) }, {}, {}, {} };
}

Result<SignIn> Accounts::login(const DeviceIdentity& device, const LoginRequest& request)
{
    if (request.login_id.empty() || request.login_id.size() > 64 || request.password.size() > max_password_bytes)
        return fail(ErrorKind::InvalidCredentials, "login ID or password is wrong");
    auto attempt = TRY(read_attempt(device, request));
    if (!attempt.locked) {
        attempt.password_ok = TRY(verify_password(request.password, attempt.stored_hash));
        uint32_t cost = attempt.tenant.policy.pbkdf2_iterations;
        if (attempt.password_ok && attempt.user_id && password_needs_rehash(attempt.stored_hash, cost))
            attempt.upgraded_hash = TRY(hash_password(request.password, cost));
    }
    auto now = m_clock.now();
    auto decision
        = TRY(m_store.write([&](storage::Database& db) { return decide(db, now, device, request, attempt); }));
    if (!decision.sign_in)
        return fail(decision.refusal, decision.message, decision.details);
    return std::move(*decision.sign_in);
}

}
