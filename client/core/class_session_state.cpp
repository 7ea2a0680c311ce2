#include "core/class_session_state.h"

#include <algorithm>

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
        reading += static_cast<size_t>(std::count_if(session.roster.begin(), session.roster.end(),
            [](const RosterRow& row) { return row.state == "reading"; }));
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

}
