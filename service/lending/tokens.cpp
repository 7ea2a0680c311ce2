#include "lending/tokens.h"

#include "hondana/drm/crypto.h"
#include "lending/audit.h"
#include "lending/directory.h"

namespace hondana::lending {

namespace {

constexpr std::string_view access_prefix = "hat_";
constexpr std::string_view refresh_prefix = "hrt_";

Result<std::string> new_token(std::string_view prefix)
{
    auto bytes = drm::random_secret(32);
    if (!bytes)
        return fail(ErrorKind::Internal, "random: " + bytes.error().message);
    return std::string(prefix) + drm::base64url_encode(bytes->view());
}

drm::Sha256Digest token_digest(std::string_view token)
{
    return drm::sha256(drm::as_bytes(token));
}

Result<void> insert_token(
    storage::Database& db, std::string_view table, std::string_view token, int64_t session_id, base::Timestamp expires)
{
    auto digest = token_digest(token);
    auto insert = TRY_DB(
        db.prepare("INSERT INTO " + std::string(table) + " (token_hash, session_id, expires_at) VALUES (?1, ?2, ?3)"));
    insert.bind(1, drm::ByteView(digest)).bind(2, session_id).bind(3, base::format_rfc3339(expires));
    TRY_DB(insert.run());
    return {};
}

Result<TokenPair> issue_pair(
    storage::Database& db, base::Timestamp now, const TenantPolicy& policy, int64_t session_id, base::Timestamp ends)
{
    TokenPair pair;
    pair.access_token = TRY(new_token(access_prefix));
    pair.access_expires_at = std::min(ends, now + std::chrono::minutes(policy.access_token_minutes));
    pair.refresh_token = TRY(new_token(refresh_prefix));
    pair.refresh_expires_at = std::min(ends, now + std::chrono::days(policy.refresh_token_days));
    TRY(insert_token(db, "access_tokens", pair.access_token, session_id, pair.access_expires_at));
    TRY(insert_token(db, "refresh_tokens", pair.refresh_token, session_id, pair.refresh_expires_at));
    return pair;
}

Result<void> revoke_session(storage::Database& db, base::Timestamp now, int64_t session_id, std::string_view reason)
{
    auto update = TRY_DB(db.prepare(
        "UPDATE auth_sessions SET revoked_at = ?1, revoked_reason = ?2 WHERE id = ?3 AND revoked_at IS NULL"));
    update.bind(1, base::format_rfc3339(now)).bind(2, reason).bind(3, session_id);
    TRY_DB(update.run());
    // Their tokens can never be used again; drop them.
    for (auto table : { "access_tokens", "refresh_tokens" }) {
        auto drop = TRY_DB(db.prepare("DELETE FROM " + std::string(table) + " WHERE session_id = ?1"));
        drop.bind(1, session_id);
        TRY_DB(drop.run());
    }
    return {};
}

Result<int> revoke_where(storage::Database& db, base::Timestamp now, std::string_view column, std::string_view value,
    int64_t number, std::string_view reason)
{
    auto rows = TRY_DB(
        db.prepare("SELECT id FROM auth_sessions WHERE " + std::string(column) + " = ?1 AND revoked_at IS NULL"));
    if (value.empty())
        rows.bind(1, number);
    else
        rows.bind(1, value);
    std::vector<int64_t> ids;
    while (TRY_DB(rows.step()))
        ids.push_back(rows.integer(0));
    for (auto id : ids)
        TRY(revoke_session(db, now, id, reason));
    return static_cast<int>(ids.size());
}

// What a refresh attempt found, decided inside the transaction; refusals that
// revoke are committed before they become errors.
struct RefreshOutcome {
    std::optional<SignIn> sign_in;
    std::string refusal;
};

}

Tokens::Tokens(Store& store, const Clock& clock)
    : m_store(store)
    , m_clock(clock)
{
}

Result<TokenPair> Tokens::start_session(storage::Database& db, base::Timestamp now, const TenantPolicy& policy,
    int64_t tenant_id, int64_t user_id, std::string_view device_id)
{
    auto ends = now + std::chrono::days(policy.session_days);
    auto insert = TRY_DB(db.prepare("INSERT INTO auth_sessions (tenant_id, user_id, device_id, created_at, expires_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5)"));
    insert.bind(1, tenant_id).bind(2, user_id).bind(3, device_id);
    insert.bind(4, base::format_rfc3339(now)).bind(5, base::format_rfc3339(ends));
    TRY_DB(insert.run());
    return issue_pair(db, now, policy, db.last_insert_rowid(), ends);
}

Result<SignIn> Tokens::refresh(const DeviceIdentity& device, std::string_view refresh_token)
{
    auto now = m_clock.now();
    auto now_text = base::format_rfc3339(now);
    auto decided = m_store.write([&](storage::Database& db) -> Result<RefreshOutcome> {
        auto digest = token_digest(refresh_token);
        auto row = TRY_DB(db.prepare(
            "SELECT r.session_id, r.expires_at, r.spent_at, s.device_id, s.user_id, s.revoked_at, s.expires_at, "
            "u.status, u.login_id FROM refresh_tokens r JOIN auth_sessions s ON s.id = r.session_id "
            "JOIN users u ON u.id = s.user_id WHERE r.token_hash = ?1 AND s.tenant_id = ?2"));
        row.bind(1, drm::ByteView(digest)).bind(2, device.tenant_id);
        if (!TRY_DB(row.step()))
            return RefreshOutcome { {}, "unknown refresh token" };
        auto session_id = row.integer(0);
        auto user_id = row.integer(4);
        auto login = row.text(8);
        bool spent = !row.is_null(2);
        bool foreign_device = row.text(3) != device.id;
        bool usable = row.text(1) > now_text && row.is_null(5) && row.text(6) > now_text && row.text(7) == "active";
        auto session_end = base::parse_rfc3339(row.text(6)).value_or(now);
        row.reset();
        if (spent || foreign_device) {
            TRY(revoke_session(
                db, now, session_id, spent ? "refresh token reused" : "refresh token on another device"));
            TRY(append_audit(db, now,
                { .tenant = device.tenant_slug,
                    .actor = "user:" + login,
                    .device = device.id,
                    .action = "auth.token.revoke_family",
                    .target = "session:" + std::to_string(session_id),
                    .outcome = "revoked",
                    .detail
                    = spent ? "spent refresh token presented again" : "refresh token presented by another device" }));
            return RefreshOutcome { {}, "refresh token reused: the session was revoked" };
        }
        if (!usable)
            return RefreshOutcome { {}, "refresh token expired or revoked" };
        auto spend = TRY_DB(db.prepare("UPDATE refresh_tokens SET spent_at = ?1 WHERE token_hash = ?2"));
        spend.bind(1, now_text).bind(2, drm::ByteView(digest));
        TRY_DB(spend.run());
        auto tenant = TRY(load_tenant(db, device.tenant_id));
        auto pair = TRY(issue_pair(db, now, tenant.policy, session_id, session_end));
        auto user = TRY(load_user_info(db, user_id));
        return RefreshOutcome { SignIn { std::move(pair), std::move(user) }, {} };
    });
    auto outcome = TRY(std::move(decided));
    if (!outcome.sign_in)
        return fail(ErrorKind::TokenInvalid, outcome.refusal);
    return std::move(*outcome.sign_in);
}

Result<Caller> Tokens::authenticate(const DeviceIdentity& device, std::string_view access_token)
{
    auto now_text = base::format_rfc3339(m_clock.now());
    return m_store.read([&](storage::Database& db) -> Result<Caller> {
        auto digest = token_digest(access_token);
        auto row = TRY_DB(db.prepare(
            "SELECT s.id, s.user_id FROM access_tokens a JOIN auth_sessions s ON s.id = a.session_id "
            "JOIN users u ON u.id = s.user_id WHERE a.token_hash = ?1 AND a.expires_at > ?2 AND s.revoked_at IS NULL "
            "AND s.device_id = ?3 AND s.tenant_id = ?4 AND u.status = 'active'"));
        row.bind(1, drm::ByteView(digest)).bind(2, now_text).bind(3, device.id).bind(4, device.tenant_id);
        if (!TRY_DB(row.step()))
            return fail(ErrorKind::TokenInvalid, "access token unknown, expired, revoked or of another device");
        Caller caller { device, TRY(load_user_info(db, row.integer(1))), row.integer(0) };
        return caller;
    });
}

Result<bool> Tokens::still_signed_in(const Caller& caller)
{
    return m_store.read([&](storage::Database& db) -> Result<bool> {
        auto row = TRY_DB(db.prepare(
            "SELECT 1 FROM auth_sessions s JOIN users u ON u.id = s.user_id JOIN devices d ON d.id = s.device_id "
            "WHERE s.id = ?1 AND s.device_id = ?2 AND s.revoked_at IS NULL AND u.status = 'active' "
            "AND d.status = 'enrolled'"));
        row.bind(1, caller.session_id).bind(2, caller.device.id);
        return TRY_DB(row.step());
    });
}

Result<void> Tokens::logout(const Caller& caller)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<void> {
        TRY(revoke_session(db, now, caller.session_id, "logout"));
        TRY(append_audit(db, now,
            { .tenant = caller.device.tenant_slug,
                .actor = caller.actor(),
                .device = caller.device.id,
                .action = "auth.logout",
                .target = "session:" + std::to_string(caller.session_id) }));
        return {};
    });
}

Result<int> Tokens::revoke_user_sessions(
    storage::Database& db, base::Timestamp now, int64_t user_id, std::string_view reason)
{
    return revoke_where(db, now, "user_id", {}, user_id, reason);
}

Result<int> Tokens::revoke_device_sessions(
    storage::Database& db, base::Timestamp now, std::string_view device_id, std::string_view reason)
{
    return revoke_where(db, now, "device_id", device_id, 0, reason);
}

Result<UserInfo> load_user_info(storage::Database& db, int64_t user_id)
{
    auto row = TRY_DB(db.prepare("SELECT u.id, u.tenant_id, u.school_id, u.login_id, u.display_name, u.role, "
                                 "u.reading_level, COALESCE(s.name, ''), u.must_change_password FROM users u "
                                 "LEFT JOIN schools s ON s.id = u.school_id WHERE u.id = ?1"));
    row.bind(1, user_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no user " + std::to_string(user_id));
    UserInfo user;
    user.id = row.integer(0);
    user.tenant_id = row.integer(1);
    user.school_id = row.optional_integer(2);
    user.login_id = row.text(3);
    user.display_name = row.text(4);
    user.role = parse_role(row.text(5)).value_or(Role::Student);
    if (auto level = row.optional_integer(6))
        user.reading_level = static_cast<int>(*level);
    user.school = row.text(7);
    user.must_change_password = row.integer(8) != 0;
    auto classes = TRY_DB(db.prepare("SELECT c.name FROM class_members m JOIN classes c ON c.id = m.class_id "
                                     "WHERE m.user_id = ?1 ORDER BY c.name"));
    classes.bind(1, user_id);
    while (TRY_DB(classes.step()))
        user.classes.push_back(classes.text(0));
    return user;
}

}
