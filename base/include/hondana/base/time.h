#pragma once

// UTC time as Hondana stores and logs it: RFC 3339, always with `Z`.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hondana::base {

// Whole seconds since the Unix epoch, UTC. Documents (licences, loans, audit
// entries) use this precision.
using Timestamp = std::chrono::sys_seconds;

// Parses an RFC 3339 date-time (`2020-07-30T10:53:13Z`,
// `2020-07-30T19:53:13.250+09:00`). Fractional seconds are truncated; offsets
// are applied so the result is UTC. Returns nullopt for anything else,
// including out-of-range fields and trailing bytes.
[[nodiscard]] std::optional<Timestamp> parse_rfc3339(std::string_view text);

// Formats as `YYYY-MM-DDTHH:MM:SSZ`.
[[nodiscard]] std::string format_rfc3339(Timestamp time);

// Formats with milliseconds (`YYYY-MM-DDTHH:MM:SS.mmmZ`), for logs.
[[nodiscard]] std::string format_rfc3339_millis(std::chrono::system_clock::time_point time);

// The wall clock, truncated to seconds.
[[nodiscard]] Timestamp now_utc();

}
