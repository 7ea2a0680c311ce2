#pragma once

// Misuse visible in the audit log (REQ LOG-3): sign-ins outside school hours,
// bursts of lockouts (password spraying), one account signing in on many
// devices, and licence requests at unusual rates. `hondana-admin audit
// anomalies` lists them; /metrics counts them over the last 24 hours so an
// alert rule can fire (docs/operations.md, "Monitoring").
//
// "Outside school hours" is judged by each tenant's timetable, part of its
// policy (lending/school_hours.h); a caller may impose one timetable instead.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hondana/base/time.h"
#include "lending/error.h"
#include "lending/school_hours.h"
#include "storage/database.h"

namespace hondana::lending {

struct AnomalyRules {
    // When set, every tenant is judged by this timetable (`audit anomalies
    // --school-hours …`: "what if"); otherwise by its own policy's.
    std::optional<SchoolHours> hours;
    int lockout_burst { 3 };           // distinct login IDs locked …
    int lockout_window_minutes { 10 }; // … within this many minutes
    int device_limit { 3 };            // one login ID on this many devices or more …
    int device_window_hours { 24 };    // … within this many hours
    int licence_rate { 20 };           // more licences than this for one user …
    int licence_window_minutes { 60 }; // … within this many minutes
};

struct Anomaly {
    std::string kind; // off_hours_sign_in, lockout_burst, account_many_devices, licence_rate
    std::string time; // RFC 3339, when it happened (the first entry of a burst)
    std::string tenant;
    std::string subject; // the login ID, or the IDs of a burst
    std::string detail;
    int64_t seq { 0 }; // the audit entry that shows it
};

inline constexpr std::array<std::string_view, 4> anomaly_kinds
    = { "off_hours_sign_in", "lockout_burst", "account_many_devices", "licence_rate" };

// The anomalies among audit entries with since <= time < until, in time order.
[[nodiscard]] Result<std::vector<Anomaly>> find_anomalies(
    storage::Database& db, const AnomalyRules& rules, base::Timestamp since, base::Timestamp until);

// Anomalies per kind (every kind present, 0 when none).
[[nodiscard]] std::map<std::string, int64_t> count_anomalies(const std::vector<Anomaly>& anomalies);

}
