// Accounts::login: stage 2 sign-in (see accounts.h for the three steps).

#include <algorithm>

#include "lending/accounts.h"
#include "lending/accounts_lockout.h"
#include "lending/audit.h"
#include "lending/directory.h"
#include "lending/password.h"
#include "lending/totp.h"

namespace hondana::lending {

namespace {

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
        auto counter = TRY(read_failure_counter(db, device.tenant_id, attempt.user_id, request.login_id));
        attempt.locked = counter_locks(counter, now_text);
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
    auto counter = TRY(read_failure_counter(db, device.tenant_id, attempt.user_id, request.login_id));
    if (counter.locked && !counter_locks(counter, now_text))
        counter = FailureCounter {}; // the lock period has passed
    if (counter_locks(counter, now_text)) {
        audit.outcome = "locked";
        TRY(append_audit(db, now, audit));
        return Decision { {}, ErrorKind::AccountLocked, "account locked", locked_details(counter, policy) };
    }
    auto refuse = [&](ErrorKind kind, std::string message) -> Result<Decision> {
        count_failure(counter, policy, now, attempt.user_id.has_value());
        TRY(write_failure_counter(db, device.tenant_id, attempt.user_id, request.login_id, counter, now_text));
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
    TRY(write_failure_counter(db, device.tenant_id, attempt.user_id, request.login_id, FailureCounter {}, now_text));
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
