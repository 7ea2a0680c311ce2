#include "lending/school_hours.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace hondana::lending {

namespace {

constexpr std::array<std::string_view, 7> day_names = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
constexpr size_t max_closed_ranges = 400;

std::optional<int> parse_clock(std::string_view text)
{
    int hours = 0, minutes = 0;
    if (text.size() != 5 || text[2] != ':')
        return std::nullopt;
    auto h = std::from_chars(text.data(), text.data() + 2, hours);
    auto m = std::from_chars(text.data() + 3, text.data() + 5, minutes);
    if (h.ec != std::errc() || h.ptr != text.data() + 2 || m.ec != std::errc() || m.ptr != text.data() + 5 || hours > 24
        || minutes > 59 || (hours == 24 && minutes > 0))
        return std::nullopt;
    return hours * 60 + minutes;
}

std::string two_digits(int n)
{
    return std::string(n < 10 ? "0" : "") + std::to_string(n);
}

std::optional<size_t> day_index(std::string_view name)
{
    for (size_t i = 0; i < day_names.size(); ++i)
        if (day_names[i] == name)
            return i;
    return std::nullopt;
}

std::optional<std::chrono::sys_days> parse_date(std::string_view text)
{
    int year = 0;
    unsigned month = 0, day = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return std::nullopt;
    auto y = std::from_chars(text.data(), text.data() + 4, year);
    auto m = std::from_chars(text.data() + 5, text.data() + 7, month);
    auto d = std::from_chars(text.data() + 8, text.data() + 10, day);
    if (y.ptr != text.data() + 4 || m.ptr != text.data() + 7 || d.ptr != text.data() + 10)
        return std::nullopt;
    std::chrono::year_month_day date { std::chrono::year(year), std::chrono::month(month), std::chrono::day(day) };
    if (!date.ok())
        return std::nullopt;
    return std::chrono::sys_days(date);
}

std::string format_date(std::chrono::sys_days day)
{
    std::chrono::year_month_day date(day);
    return std::to_string(static_cast<int>(date.year())) + "-" + two_digits(static_cast<int>(unsigned(date.month())))
        + "-" + two_digits(static_cast<int>(unsigned(date.day())));
}

// Calls `part` for each comma-separated piece; stops at the first error.
template<typename F> Result<void> for_each_part(std::string_view text, F part)
{
    size_t start = 0;
    while (start <= text.size()) {
        auto comma = std::min(text.find(',', start), text.size());
        TRY(part(text.substr(start, comma - start)));
        start = comma + 1;
    }
    return {};
}

}

Result<void> parse_school_hours(std::string_view hours, SchoolHours& out)
{
    auto dash = hours.find('-');
    auto first = dash == std::string_view::npos ? std::nullopt : parse_clock(hours.substr(0, dash));
    auto last = dash == std::string_view::npos ? std::nullopt : parse_clock(hours.substr(dash + 1));
    if (!first || !last || *first >= *last)
        return fail(
            ErrorKind::InvalidArgument, "school hours are HH:MM-HH:MM (e.g. 07:00-18:00), not " + std::string(hours));
    out.first_minute = *first;
    out.last_minute = *last;
    return {};
}

Result<void> parse_school_days(std::string_view days, SchoolHours& out)
{
    std::array<bool, 7> chosen {};
    auto parsed = for_each_part(days, [&](std::string_view part) -> Result<void> {
        auto dash = part.find('-');
        auto from = day_index(part.substr(0, dash == std::string_view::npos ? part.size() : dash));
        auto to = dash == std::string_view::npos ? from : day_index(part.substr(dash + 1));
        if (!from || !to || *from > *to)
            return fail(ErrorKind::InvalidArgument, "");
        for (size_t d = *from; d <= *to; ++d)
            chosen[d] = true;
        return {};
    });
    if (!parsed || std::none_of(chosen.begin(), chosen.end(), [](bool d) { return d; }))
        return fail(ErrorKind::InvalidArgument,
            "school days are like mon-fri or mon,wed,fri (sun first), not " + std::string(days));
    out.days = chosen;
    return {};
}

Result<void> parse_utc_offset(std::string_view offset, SchoolHours& out)
{
    auto clock = offset.size() == 6 ? parse_clock(offset.substr(1)) : std::nullopt;
    if (!clock || (offset[0] != '+' && offset[0] != '-') || *clock > 14 * 60)
        return fail(
            ErrorKind::InvalidArgument, "a UTC offset is +HH:MM or -HH:MM (Japan: +09:00), not " + std::string(offset));
    out.utc_offset_minutes = offset[0] == '-' ? -*clock : *clock;
    return {};
}

Result<void> parse_closed_dates(std::string_view dates, SchoolHours& out)
{
    std::vector<ClosedDates> closed;
    if (dates != "none" && !dates.empty()) {
        auto parsed = for_each_part(dates, [&](std::string_view part) -> Result<void> {
            auto dots = part.find("..");
            auto first = parse_date(part.substr(0, dots));
            auto last = dots == std::string_view::npos ? first : parse_date(part.substr(dots + 2));
            if (!first || !last || *first > *last)
                return fail(ErrorKind::InvalidArgument,
                    "closed dates: " + std::string(part)
                        + " is not YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (first date not after the last)");
            closed.push_back({ *first, *last });
            return {};
        });
        TRY(parsed);
    }
    if (closed.size() > max_closed_ranges)
        return fail(ErrorKind::InvalidArgument,
            "at most " + std::to_string(max_closed_ranges) + " closed dates or ranges, not "
                + std::to_string(closed.size()));
    std::sort(closed.begin(), closed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out.closed = std::move(closed);
    return {};
}

std::string format_school_hours(const SchoolHours& hours)
{
    return format_clock(hours.first_minute) + "-" + format_clock(hours.last_minute);
}

std::string format_school_days(const SchoolHours& hours)
{
    std::string text;
    for (size_t d = 0; d < 7;) {
        if (!hours.days[d]) {
            ++d;
            continue;
        }
        size_t end = d;
        while (end + 1 < 7 && hours.days[end + 1])
            ++end;
        text += (text.empty() ? "" : ",") + std::string(day_names[d]);
        if (end > d)
            text += "-" + std::string(day_names[end]);
        d = end + 1;
    }
    return text;
}

std::string format_utc_offset(const SchoolHours& hours)
{
    int minutes = hours.utc_offset_minutes;
    return (minutes < 0 ? "-" : "+") + format_clock(std::abs(minutes));
}

std::string format_closed_dates(const SchoolHours& hours)
{
    if (hours.closed.empty())
        return "none";
    std::string text;
    for (const auto& range : hours.closed) {
        text += (text.empty() ? "" : ",") + format_date(range.first);
        if (range.last != range.first)
            text += ".." + format_date(range.last);
    }
    return text;
}

std::string format_clock(int minute)
{
    return two_digits(minute / 60) + ":" + two_digits(minute % 60);
}

bool closed_on(const SchoolHours& hours, std::chrono::sys_days day)
{
    return std::any_of(hours.closed.begin(), hours.closed.end(),
        [&](const ClosedDates& range) { return range.first <= day && day <= range.last; });
}

LocalTime local_time(const SchoolHours& hours, base::Timestamp time)
{
    auto local = time + std::chrono::minutes(hours.utc_offset_minutes);
    auto day = std::chrono::floor<std::chrono::days>(local);
    return { day, static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count()) };
}

bool within_school_hours(const SchoolHours& hours, base::Timestamp time)
{
    auto local = local_time(hours, time);
    auto weekday = std::chrono::weekday(local.day).c_encoding();
    return hours.days[weekday] && local.minute >= hours.first_minute && local.minute < hours.last_minute
        && !closed_on(hours, local.day);
}

std::string_view day_name(std::chrono::sys_days day)
{
    return day_names[std::chrono::weekday(day).c_encoding()];
}

}
