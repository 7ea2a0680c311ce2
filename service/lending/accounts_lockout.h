#pragma once

// The failure counters behind the lockout (REQ AUTH-3), shared by sign-in
// and the password change: a user's (users.failed_logins, locked,
// locked_until) or an unknown login ID's (login_throttle). Call inside a
// write transaction.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lending/policy.h"
#include "lending/store.h"

namespace hondana::lending {

// A failure counter as stored.
struct FailureCounter {
    int failed { 0 };
    bool locked { false };
    std::optional<std::string> until;
};

// Whether the counter locks at `now_text` (RFC 3339).
[[nodiscard]] bool counter_locks(const FailureCounter& counter, const std::string& now_text);

// The user's counter when `user_id` is set, else the login ID's.
[[nodiscard]] Result<FailureCounter> read_failure_counter(
    storage::Database& db, int64_t tenant_id, std::optional<int64_t> user_id, std::string_view login_id);
[[nodiscard]] Result<void> write_failure_counter(storage::Database& db, int64_t tenant_id,
    std::optional<int64_t> user_id, std::string_view login_id, const FailureCounter& counter,
    const std::string& now_text);

// One more failure; locks at the tenant's threshold, until the lock period
// ends (or, for an unknown ID when only an admin unlocks, for a day).
void count_failure(FailureCounter& counter, const TenantPolicy& policy, base::Timestamp now, bool known_user);

// account-locked's extra members: locked_until when the lock ends by itself.
[[nodiscard]] nlohmann::json locked_details(const FailureCounter& counter, const TenantPolicy& policy);
// invalid-credentials' extra members: remaining_attempts before the lock.
[[nodiscard]] nlohmann::json remaining_details(const FailureCounter& counter, const TenantPolicy& policy);

}
