#pragma once

// Misuse visible in the audit log (REQ LOG-3): sign-ins outside school hours,
// bursts of lockouts (password spraying), one account signing in on many
// devices, and licence requests at unusual rates. `hondana-admin audit
// anomalies` lists them; /metrics counts them over the last 24 hours so an
// alert rule can fire (docs/operations.md, "Monitoring").
//
// School hours are local time: a UTC offset (Japan: +09:00, no daylight
// saving), the school days and the first and last minute of the day.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hondana/base/time.h"
#include "lending/error.h"
#include "storage/database.h"

namespace hondana::lending {

struct SchoolHours {
    int utc_offset_minutes { 9 * 60 };
    std::array<bool, 7> days { false, true, true, true, true, true, false }; // Sunday first
    int first_minute { 7 * 60 };                                             // 07:00
    int last_minute { 18 * 60 };                                             // 18:00 (exclusive)
};

// "07:00-18:00" into first/last minute; "mon-fri" or "mon,wed,fri" into days;
// "+09:00" into the offset. InvalidArgument naming the bad text.
[[nodiscard]] Result<void> parse_school_hours(std::string_view hours, SchoolHours& out);
[[nodiscard]] Result<void> parse_school_days(std::string_view days, SchoolHours& out);
[[nodiscard]] Result<void> parse_utc_offset(std::string_view offset, SchoolHours& out);

// Whether `time` falls inside school hours.
[[nodiscard]] bool within_school_hours(const SchoolHours& hours, base::Timestamp time);

struct AnomalyRules {
    SchoolHours hours;
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
