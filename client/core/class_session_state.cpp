#include "core/class_session_state.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace hondana::client {

const ClassroomSession* banner_session(const ClassroomState& state)
{
    if (state.staff)
        return nullptr;
    auto found = std::find_if(state.sessions.begin(), state.sessions.end(), [&](const ClassroomSession& session) {
        return session.id == state.banner_session || (state.banner_session.empty() && session.state == "scheduled");
    });
    return found == state.sessions.end() ? nullptr : &*found;
}

void add_classroom_json(const ClassroomState& state, nlohmann::json& out)
{
    const auto* banner = banner_session(state);
    auto live = std::count_if(
        state.sessions.begin(), state.sessions.end(), [](const ClassroomSession& s) { return s.state == "live"; });
    size_t reading = 0;
    for (const auto& session : state.sessions)
        reading += static_cast<size_t>(std::count_if(
            session.roster.begin(), session.roster.end(), [](const RosterRow& row) { return row.state == "reading"; }));
    out["session_stream"] = state.stream;
    out["sessions"] = state.sessions.size();
    out["sessions_live"] = live;
    out["session_banner"] = banner && banner->state == "live" ? "live" : banner ? "scheduled" : "none";
    out["session_page"] = banner ? banner->page : 0;
    out["session_content_ready"] = banner && banner->content_ready;
    out["session_roster"] = state.sessions.empty() ? 0 : state.sessions.front().roster.size();
    out["session_reading"] = reading;
    out["session_busy"] = state.busy;
    out["session_refusal"] = state.refusal_code.empty() ? "none" : state.refusal_code;
    out["staff"] = state.staff;
}

std::optional<int> parse_local_clock(std::string_view text)
{
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3)
        return std::nullopt;
    int hours = 0, minutes = 0;
    auto h = std::from_chars(text.data(), text.data() + colon, hours);
    auto m = std::from_chars(text.data() + colon + 1, text.data() + text.size(), minutes);
    if (h.ptr != text.data() + colon || m.ptr != text.data() + text.size() || hours < 0 || hours > 23 || minutes < 0
        || minutes > 59)
        return std::nullopt;
    return hours * 60 + minutes;
}

std::optional<base::Timestamp> today_at(int minute, base::Timestamp now, int utc_offset_minutes)
{
    auto offset = std::chrono::minutes(utc_offset_minutes);
    auto local_day = std::chrono::floor<std::chrono::days>(now + offset);
    base::Timestamp at = local_day + std::chrono::minutes(minute) - offset;
    if (at <= now)
        return std::nullopt;
    return at;
}

int local_utc_offset_minutes(base::Timestamp time)
{
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm local {};
    if (!localtime_r(&seconds, &local))
        return 0;
    return static_cast<int>(local.tm_gmtoff / 60);
}

std::string local_clock_text(std::string_view rfc3339, base::Timestamp now, int utc_offset_minutes)
{
    auto time = base::parse_rfc3339(rfc3339);
    if (!time)
        return std::string(rfc3339);
    auto offset = std::chrono::minutes(utc_offset_minutes);
    auto local = *time + offset;
    auto day = std::chrono::floor<std::chrono::days>(local);
    auto minute = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
    auto two = [](long long n) { return std::string(n < 10 ? "0" : "") + std::to_string(n); };
    std::string clock = two(minute / 60) + ":" + two(minute % 60);
    if (day == std::chrono::floor<std::chrono::days>(now + offset))
        return clock;
    std::chrono::year_month_day date(day);
    return std::to_string(unsigned(date.month())) + "/" + std::to_string(unsigned(date.day())) + " " + clock;
}

}
