#pragma once

// A tenant's policy: password rule, hashing cost, lockout, TOTP, token
// lifetimes, circulation limits and the school timetable. Stored as JSON in `tenants.policy`;
// members absent there take the defaults below (REQUIREMENTS.md).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lending/error.h"
#include "lending/school_hours.h"

namespace hondana::lending {

inline constexpr uint32_t default_pbkdf2_iterations = 600000;
// The floor a tenant may set. Below the default is for tests and demos only.
inline constexpr uint32_t min_pbkdf2_iterations = 1000;
// REQ AUTH-2: never below 10 characters.
inline constexpr int min_password_length = 10;

struct TenantPolicy {
    int password_min_length { min_password_length };
    uint32_t pbkdf2_iterations { default_pbkdf2_iterations };
    int lockout_threshold { 10 }; // consecutive failures that lock (REQ AUTH-3)
    int lockout_minutes { 30 };   // 0: locked until an admin unlocks
    bool teacher_totp { false };  // admins always use TOTP (REQ AUTH-4)
    int access_token_minutes { 15 };
    int refresh_token_days { 14 };
    int session_days { 90 }; // a refresh-token family ends this long after sign-in
    int loan_days { 14 };
    int max_loans { 5 };
    int max_renewals { 2 };
    int hold_days { 3 };          // a copy waits this long for the next in line
    int offline_lease_days { 7 }; // rights.offline_until = min(loan end, now + lease)
    // Members school_hours, school_days, utc_offset and closed_dates, as text.
    SchoolHours school;
};

// Parses a stored policy; absent members keep their defaults. InvalidArgument
// for an unknown member or a value out of range.
[[nodiscard]] Result<TenantPolicy> parse_policy(const nlohmann::json& json);
[[nodiscard]] Result<TenantPolicy> parse_policy_text(std::string_view text);
[[nodiscard]] nlohmann::json policy_to_json(const TenantPolicy& policy);

// Sets one member from its text form (`hondana-admin tenant policy set KEY VALUE`).
[[nodiscard]] Result<void> set_policy_value(TenantPolicy& policy, std::string_view key, std::string_view value);

// The member names, for help texts and docs.
[[nodiscard]] std::vector<std::string> policy_keys();

}
