#pragma once

// What the screens show of class-wide reading sessions (一斉読書, issue 6):
// the teacher console's sessions and roster, the student's banner, and the
// event stream's health. Filled on the main thread from ClassSessions
// (class_session.h) through the MainQueue; views only read it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/base/time.h"

namespace hondana::client {

struct RosterRow {
    std::string login_id;
    std::string display_name;
    std::string state; // not-connected, connected, content-ready, reading
    std::optional<int> page;
};

struct ClassroomSession {
    std::string id;
    std::string class_name;
    std::string title_id;
    std::string title;
    std::string teacher;
    std::string mode;  // free, guided
    std::string state; // scheduled, live
    int start_page { 1 };
    int page { 1 };       // the teacher's page (guided), else the start page
    std::string start_at; // RFC 3339, scheduled sessions
    std::vector<RosterRow> roster;
    bool content_ready { false }; // student: the package is here
    bool opened { false };        // student: licensed and open
    int my_page { 1 };            // student: the page it reads (from 1)
    std::string problem;          // the last failure of this tablet's part
};

// A request from the session machinery to the App (carried out next frame).
struct ClassroomOpen {
    std::string session_id;
    std::string title_id;
    int page { 1 }; // from 1
};

struct ClassroomState {
    bool staff { false };             // the signed-in user is a teacher or an admin
    std::vector<std::string> classes; // the user's classes (the console's class picker)
    std::string stream { "off" };     // off, connecting, connected, waiting, stopped
    std::string stream_error;
    int retry_in_ms { 0 };
    std::vector<ClassroomSession> sessions;
    std::string refusal;                       // teacher: why the last call was refused (its detail)
    std::string refusal_code;                  // its stable code (sync.not_enough_copies, …)
    bool busy { false };                       // a teacher call is on its way
    std::optional<ClassroomOpen> open_request; // student: open this now
    std::optional<int> follow_page;            // student: go to this page (from 1)
    std::optional<std::string> close_title;    // student: the session loan was returned: close this book
    std::string banner_session;                // student: the live session the banner names
};

// The banner's session, if the student reads in one.
[[nodiscard]] const ClassroomSession* banner_session(const ClassroomState& state);
// Queryable summary for `hondana --script` (session_stream, sessions, session_banner, …).
void add_classroom_json(const ClassroomState& state, nlohmann::json& out);

// Times on the console are the tablet's local time (school is at 10:45, not
// at 01:45Z); what is sent and stored stays UTC.
// "10:45" or "9:05" into the minute of the day; nullopt for anything else.
[[nodiscard]] std::optional<int> parse_local_clock(std::string_view text);
// `minute` of the local date of `now` (local time = UTC + utc_offset_minutes),
// in UTC; nullopt when that is not later than `now`.
[[nodiscard]] std::optional<base::Timestamp> today_at(int minute, base::Timestamp now, int utc_offset_minutes);
// The tablet's UTC offset (its time zone) at `time`, in minutes east of UTC.
[[nodiscard]] int local_utc_offset_minutes(base::Timestamp time);
// "10:45" when `rfc3339` falls on the local date of `now`, "11/23 10:45"
// otherwise; the text itself when it is not an RFC 3339 time.
[[nodiscard]] std::string local_clock_text(std::string_view rfc3339, base::Timestamp now, int utc_offset_minutes);

// What the teacher console asks for.
namespace command {
struct Classroom {
    enum class Action { Create, StartNow, Guide, End } action { Action::Create };
    std::string session_id;
    std::string class_name;
    std::string title_id;
    int page { 1 }; // Create: start page; Guide: everyone's page
    std::string mode { "free" };
    int start_in_minutes { 0 };         // Create: 0 starts now
    std::optional<int> start_at_minute; // Create: at this local minute today (before start_in_minutes)
};
}

}
