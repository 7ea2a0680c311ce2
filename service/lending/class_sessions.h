#pragma once

// Class-wide reading sessions (一斉読書, issue 6). A teacher of a class (or an
// admin) opens a session on one title for the class: now, or at a time. When
// it starts, every active student of the class gets a licence for the title —
// their own loan when they have one (a copy held for their reservation
// becomes their own loan), else a session loan from the free copies (an
// unlimited title always has one) — or, when copies are short,
// nothing starts and the refusal lists who could not get one and why. In
// guided mode the teacher moves everyone's page. Ending returns the session's
// loans; the students' own loans stay. Start, guide and end are audited.
//
// Every change is published on the EventHub after its transaction commits.
// Students report their state (content ready, reading, page) through
// report(); with the streams the hub sees, that makes the teacher's roster.
// Reports are kept in memory: they describe the moment, not the record.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lending/clock.h"
#include "lending/event_hub.h"
#include "lending/model.h"
#include "lending/store.h"

namespace hondana::lending {

enum class SessionMode { Free, Guided };
enum class SessionState { Scheduled, Live, Ended };

[[nodiscard]] std::string_view session_mode_name(SessionMode mode);
[[nodiscard]] std::optional<SessionMode> parse_session_mode(std::string_view name);
[[nodiscard]] std::string_view session_state_name(SessionState state);

struct ClassSessionView {
    std::string id;
    int64_t tenant_id { 0 };
    int64_t class_id { 0 };
    std::string class_name;
    std::string school;
    std::string title_id;
    std::string title;
    int64_t teacher_id { 0 }; // who opened it
    std::string teacher_login;
    std::string teacher_name;
    SessionMode mode { SessionMode::Free };
    SessionState state { SessionState::Scheduled };
    int start_page { 1 };
    int page { 1 }; // the teacher's page (guided mode), else the start page
    std::optional<base::Timestamp> start_at;
    std::optional<base::Timestamp> started_at;
    std::optional<base::Timestamp> ended_at;
};

struct SessionRequest {
    std::string class_name;
    std::optional<std::string> school; // default: the caller's school
    std::string title_id;
    int start_page { 1 };
    SessionMode mode { SessionMode::Free };
    std::optional<base::Timestamp> start_at; // absent or not in the future: now
};

// A student's state on the teacher's roster.
enum class StudentState { NotConnected, Connected, ContentReady, Reading };
[[nodiscard]] std::string_view student_state_name(StudentState state);
[[nodiscard]] std::optional<StudentState> parse_student_state(std::string_view name);

struct RosterEntry {
    int64_t user_id { 0 };
    std::string login_id;
    std::string display_name;
    StudentState state { StudentState::NotConnected };
    std::optional<int> page;
};

struct SessionDetail {
    ClassSessionView session;
    bool leader { false }; // the caller leads the class: the roster is filled
    std::vector<RosterEntry> roster;
    std::optional<std::string> licence_id; // a student's licence for the title (live sessions)
};

struct SessionEnd {
    ClassSessionView session;
    int returned { 0 }; // session loans returned (own loans stay)
};

// Page numbers a session accepts.
inline constexpr int max_session_page = 100000;

class ClassSessions {
public:
    ClassSessions(Store& store, const Clock& clock, EventHub& hub);

    // Starts now or schedules. Forbidden unless the caller leads the class;
    // NotEnoughCopies (details.students, .needed, .available) when copies are
    // short, checked at scheduling too; Conflict when the class has an open session.
    [[nodiscard]] Result<ClassSessionView> create(const Caller& caller, const SessionRequest& request);
    // Starts a scheduled session now. SessionState when it is not scheduled.
    [[nodiscard]] Result<ClassSessionView> start(const Caller& caller, std::string_view session_id);
    // Guided mode: everyone to `page`. SessionState unless live and guided.
    [[nodiscard]] Result<ClassSessionView> guide(const Caller& caller, std::string_view session_id, int page);
    [[nodiscard]] Result<SessionEnd> end(const Caller& caller, std::string_view session_id);
    // A student of the class reports its state (ContentReady or Reading) and page.
    [[nodiscard]] Result<void> report(
        const Caller& caller, std::string_view session_id, StudentState state, std::optional<int> page);
    // Scheduled and live sessions the caller takes part in or leads.
    [[nodiscard]] Result<std::vector<ClassSessionView>> open_sessions(const Caller& caller);
    [[nodiscard]] Result<SessionDetail> detail(const Caller& caller, std::string_view session_id);

    // Starts scheduled sessions whose time has come (called every second by
    // the server). Returns how many started; one that cannot get its copies
    // stays scheduled and its staff get `session.start_failed`.
    [[nodiscard]] Result<int> start_due();

    // Event streams: who the caller is for the hub, and what a new stream
    // (or one with a gap) is sent first: every open session, as events.
    [[nodiscard]] Result<Subscriber> subscriber(const Caller& caller);
    [[nodiscard]] Result<std::vector<Event>> snapshot(const Caller& caller, const Subscriber& who);
    // Presence: a user's first stream opened / last stream closed.
    void stream_opened(const Caller& caller, const Subscriber& who);
    void stream_closed(const Caller& caller, const Subscriber& who);

    [[nodiscard]] EventHub& hub() { return m_hub; }

private:
    struct Report {
        StudentState state { StudentState::Connected };
        std::optional<int> page;
    };
    [[nodiscard]] Result<ClassSessionView> start_locked(storage::Database& db, const ClassSessionView& session,
        const std::string& tenant_slug, const std::string& actor);
    void publish_session(
        const ClassSessionView& session, std::string_view type, const std::map<int64_t, std::string>& licences = {});
    void publish_student(const ClassSessionView& session, const RosterEntry& entry);
    void presence_changed(const Caller& caller, const Subscriber& who, bool connected);
    [[nodiscard]] RosterEntry effective(const ClassSessionView& session, RosterEntry entry);
    [[nodiscard]] Result<std::vector<RosterEntry>> roster(const ClassSessionView& session);

    Store& m_store;
    const Clock& m_clock;
    EventHub& m_hub;
    std::mutex m_reports_mutex;
    std::map<std::string, std::map<int64_t, Report>> m_reports; // session id → user id → report
    std::set<std::string> m_start_failed;                       // due, but short of copies: left to the teacher
};

// The session object of docs/protocol.md (also the data of session.* events).
[[nodiscard]] nlohmann::json session_json(const ClassSessionView& session);
[[nodiscard]] nlohmann::json roster_entry_json(const std::string& session_id, const RosterEntry& entry);

}
