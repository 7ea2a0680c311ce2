#pragma once

// A tenant's school timetable, in local time: the UTC offset (Japan: +09:00,
// no daylight saving), the school days, the first and last minute of the
// school day and the dates the schools are closed (holidays, breaks). It is
// part of the tenant policy (`hondana-admin tenant policy set school_hours
// 08:00-17:00`); `audit anomalies` and /metrics judge "outside school hours"
// by it (REQ LOG-3).

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/base/time.h"
#include "lending/error.h"

namespace hondana::lending {

// Inclusive local dates.
struct ClosedDates {
    std::chrono::sys_days first;
    std::chrono::sys_days last;
    friend bool operator==(const ClosedDates&, const ClosedDates&) = default;
};

struct SchoolHours {
    int utc_offset_minutes { 9 * 60 };
    std::array<bool, 7> days { false, true, true, true, true, true, false }; // Sunday first
    int first_minute { 7 * 60 };                                             // 07:00
    int last_minute { 18 * 60 };                                             // 18:00 (exclusive)
    std::vector<ClosedDates> closed;
    friend bool operator==(const SchoolHours&, const SchoolHours&) = default;
};

// "07:00-18:00" into first/last minute; "mon-fri" or "mon,wed,fri" into days;
// "+09:00" into the offset; "2026-12-26..2027-01-07,2027-02-11" (or "none")
// into closed dates. InvalidArgument naming the bad text; `out` is left as
// it was on error.
[[nodiscard]] Result<void> parse_school_hours(std::string_view hours, SchoolHours& out);
[[nodiscard]] Result<void> parse_school_days(std::string_view days, SchoolHours& out);
[[nodiscard]] Result<void> parse_utc_offset(std::string_view offset, SchoolHours& out);
[[nodiscard]] Result<void> parse_closed_dates(std::string_view dates, SchoolHours& out);

// The text forms the parsers read ("07:00-18:00", "mon-fri", "+09:00",
// "2026-12-26..2027-01-07,2027-02-11" or "none").
[[nodiscard]] std::string format_school_hours(const SchoolHours& hours);
[[nodiscard]] std::string format_school_days(const SchoolHours& hours);
[[nodiscard]] std::string format_utc_offset(const SchoolHours& hours);
[[nodiscard]] std::string format_closed_dates(const SchoolHours& hours);

// Local time of `time`: the day and the minute of that day.
struct LocalTime {
    std::chrono::sys_days day;
    int minute { 0 };
};
[[nodiscard]] LocalTime local_time(const SchoolHours& hours, base::Timestamp time);

// "HH:MM" of a minute of the day.
[[nodiscard]] std::string format_clock(int minute);

// Whether the schools are closed on that local date (a holiday or a break).
[[nodiscard]] bool closed_on(const SchoolHours& hours, std::chrono::sys_days day);

// Whether `time` falls inside school hours on a school day the schools are open.
[[nodiscard]] bool within_school_hours(const SchoolHours& hours, base::Timestamp time);

// "sun" … "sat".
[[nodiscard]] std::string_view day_name(std::chrono::sys_days day);

}
