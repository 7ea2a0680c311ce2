// Accounts::change_password: a user's own password change. Like sign-in it
// runs in three steps so PBKDF2 holds no lock: read the stored hash and the
// failure counter, verify the current password (and hash the new one)
// outside the database lock, then decide and record in one write transaction.

#include "hondana/drm/crypto.h"
#include "lending/accounts.h"
#include "lending/accounts_lockout.h"
#include "lending/audit.h"
#include "lending/directory.h"
#include "lending/password.h"

namespace hondana::lending {

struct Accounts::ChangeAttempt {
    Tenant tenant;
    std::string stored_hash;
    bool locked { false };
    bool current_ok { false };
    std::vector<PasswordRuleFailure> rule_failures;
    std::optional<std::string> new_hash;
};

struct Accounts::ChangeDecision {
    std::optional<PasswordChanged> changed;
    std::optional<Error> refusal;
};

Result<Accounts::ChangeAttempt> Accounts::read_change_attempt(const Caller& caller)
{
    auto now_text = base::format_rfc3339(m_clock.now());
    return m_store.read([&](storage::Database& db) -> Result<ChangeAttempt> {
        ChangeAttempt attempt;
        attempt.tenant = TRY(load_tenant(db, caller.device.tenant_id));
        auto row
            = TRY_DB(db.prepare("SELECT COALESCE(password_hash, '') FROM users WHERE id = ?1 AND status = 'active'"));
        row.bind(1, caller.user.id);
        if (!TRY_DB(row.step()))
            return fail(ErrorKind::TokenInvalid, "the signed-in user is no longer active");
        attempt.stored_hash = row.text(0);
        auto counter = TRY(read_failure_counter(db, caller.device.tenant_id, caller.user.id, caller.user.login_id));
        attempt.locked = counter_locks(counter, now_text);
        return attempt;
    });
}

Result<Accounts::ChangeDecision> Accounts::decide_change(
    storage::Database& db, base::Timestamp now, const Caller& caller, const ChangeAttempt& attempt)
{
    const auto& policy = attempt.tenant.policy;
    auto now_text = base::format_rfc3339(now);
    const auto& login = caller.user.login_id;
    AuditEntry audit { .tenant = caller.device.tenant_slug,
        .actor = caller.actor(),
        .device = caller.device.id,
        .action = "auth.password_change",
        .target = login };
    auto counter = TRY(read_failure_counter(db, caller.device.tenant_id, caller.user.id, login));
    if (counter.locked && !counter_locks(counter, now_text))
        counter = FailureCounter {}; // the lock period has passed
    auto locked = [&]() -> Result<ChangeDecision> {
        audit.outcome = "locked";
        TRY(append_audit(db, now, audit));
        return ChangeDecision { {},
            Error { ErrorKind::AccountLocked, "account locked", locked_details(counter, policy) } };
    };
    if (counter_locks(counter, now_text))
        return locked();
    auto stored
        = TRY_DB(db.prepare("SELECT COALESCE(password_hash, '') FROM users WHERE id = ?1 AND status = 'active'"));
    stored.bind(1, caller.user.id);
    bool unchanged = TRY_DB(stored.step()) && stored.text(0) == attempt.stored_hash; // not changed while we hashed
    if (!attempt.current_ok || !unchanged) {
        count_failure(counter, policy, now, true);
        TRY(write_failure_counter(db, caller.device.tenant_id, caller.user.id, login, counter, now_text));
        if (counter.locked)
            return locked();
        audit.outcome = "denied";
        audit.detail = "current password wrong";
        TRY(append_audit(db, now, audit));
        return ChangeDecision { {},
            Error {
                ErrorKind::InvalidCredentials, "the current password is wrong", remaining_details(counter, policy) } };
    }
    TRY(write_failure_counter(db, caller.device.tenant_id, caller.user.id, login, FailureCounter {}, now_text));
    if (!attempt.new_hash) {
        auto refusal = weak_password_error(attempt.rule_failures, policy);
        audit.outcome = "weak_password";
        audit.detail = "rules: " + refusal.details["rules"].dump();
        TRY(append_audit(db, now, audit));
        return ChangeDecision { {}, std::move(refusal) };
    }
    auto update = TRY_DB(
        db.prepare("UPDATE users SET password_hash = ?1, must_change_password = 0, updated_at = ?2 WHERE id = ?3"));
    update.bind(1, *attempt.new_hash).bind(2, now_text).bind(3, caller.user.id);
    TRY_DB(update.run());
    int revoked = TRY(Tokens::revoke_user_sessions(db, now, caller.user.id, "password changed"));
    auto tokens
        = TRY(Tokens::start_session(db, now, policy, caller.device.tenant_id, caller.user.id, caller.device.id));
    audit.outcome = "ok";
    audit.detail = "password replaced; " + std::to_string(revoked) + " sessions revoked; new session on this device";
    TRY(append_audit(db, now, audit));
    PasswordChanged changed { SignIn { std::move(tokens), TRY(load_user_info(db, caller.user.id)) }, revoked };
    return ChangeDecision { std::move(changed), {} };
}

Result<PasswordChanged> Accounts::change_password(const Caller& caller, const PasswordChange& change)
{
    if (change.current_password.empty() || change.current_password.size() > max_password_bytes)
        return fail(
            ErrorKind::MalformedRequest, "current_password must be 1-1024 bytes", { { "field", "current_password" } });
    auto attempt = TRY(read_change_attempt(caller));
    if (!attempt.locked) {
        attempt.current_ok = TRY(verify_password(change.current_password, attempt.stored_hash));
        const auto& policy = attempt.tenant.policy;
        attempt.rule_failures = password_rule_failures(change.new_password, caller.user.login_id, policy);
        if (drm::constant_time_equal(drm::as_bytes(change.new_password), drm::as_bytes(change.current_password)))
            attempt.rule_failures.push_back({ "reused", "the same as the current password" });
        if (attempt.current_ok && attempt.rule_failures.empty())
            attempt.new_hash = TRY(hash_password(change.new_password, policy.pbkdf2_iterations));
    }
    auto now = m_clock.now();
    auto decision = TRY(m_store.write([&](storage::Database& db) { return decide_change(db, now, caller, attempt); }));
    if (decision.refusal)
        return tl::make_unexpected(std::move(*decision.refusal));
    return std::move(*decision.changed);
}

}
