#include "lending/accounts_lockout.h"

#include <algorithm>

namespace hondana::lending {

namespace {

// Unknown IDs lock for this long when the tenant locks "until an admin
// unlocks" (no admin can unlock an ID that does not exist).
constexpr auto unknown_id_admin_lock = std::chrono::hours(24);

}

bool counter_locks(const FailureCounter& counter, const std::string& now_text)
{
    return counter.locked && (!counter.until || *counter.until > now_text);
}

Result<FailureCounter> read_failure_counter(
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
        return FailureCounter {};
    return FailureCounter { static_cast<int>(row.integer(0)), row.integer(1) != 0, row.optional_text(2) };
}

Result<void> write_failure_counter(storage::Database& db, int64_t tenant_id, std::optional<int64_t> user_id,
    std::string_view login_id, const FailureCounter& counter, const std::string& now_text)
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

void count_failure(FailureCounter& counter, const TenantPolicy& policy, base::Timestamp now, bool known_user)
{
    counter.failed += 1;
    if (counter.failed < policy.lockout_threshold)
        return;
    counter.locked = true;
    if (policy.lockout_minutes > 0)
        counter.until = base::format_rfc3339(now + std::chrono::minutes(policy.lockout_minutes));
    else if (!known_user)
        counter.until = base::format_rfc3339(now + unknown_id_admin_lock);
}

nlohmann::json locked_details(const FailureCounter& counter, const TenantPolicy& policy)
{
    // With "until an admin unlocks", no time is given, for known and unknown IDs alike.
    if (policy.lockout_minutes > 0 && counter.until)
        return { { "locked_until", *counter.until } };
    return nlohmann::json::object();
}

// Failures left before the lock. Unknown, suspended and deleted IDs count in
// login_throttle exactly as users do, so the number says nothing about whether
// an ID exists (AUTH-3).
nlohmann::json remaining_details(const FailureCounter& counter, const TenantPolicy& policy)
{
    return { { "remaining_attempts", std::max(0, policy.lockout_threshold - counter.failed) } };
}

}
