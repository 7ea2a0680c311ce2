#pragma once

// A reader's side of class sessions (issue 6), below any UI: it applies the
// events of GET /v1/events (decoded by sync::parse_session_event) in order
// and does the reader's part — so hondana-cli and the SDL reader run the
// same steps:
//  - student, session scheduled (or a started one seen first): fetch the
//    title's package at once, before any licence (the bell costs almost no
//    bytes), and report `content-ready` once it is here;
//  - student, session started with this student's licence: fetch and check
//    the licence (the download then only verifies the prefetched bytes), then
//    open the book at the start page (guided: the teacher's page) and report
//    `reading` with the page;
//  - student, guided page: follow the teacher and report the page;
//  - staff: keep the roster from the snapshot and each student.state;
//  - a `sync` event (new stream, or a gap after a long drop) rebuilds from
//    the snapshot that follows, keeping what was already done here.
// Not thread-safe: call it on the thread that owns the Reader.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hondana/reader/reader.h"
#include "hondana/sync/models.h"

namespace hondana::reader {

enum class SessionRole { Student, Staff };

// One session as this reader sees it.
struct FollowedSession {
    sync::ClassSession session;
    std::vector<sync::RosterEntry> roster; // staff: the class, in roster order
    bool content_ready { false };          // student: the package is here
    bool opened { false };                 // student: the licence is here and the book open
    int page { 1 };                        // student: the page it reads
    std::string problem;                   // the last failure of this reader's part, for the screen
};

// What applying an event changed, for the screen or the CLI's output.
struct SessionChange {
    enum class Kind { Scheduled, Started, ContentReady, Opened, PageFollowed, Roster, Ended, StartFailed, Resynced, Failed };
    Kind kind;
    std::string session_id;
    std::string title_id;
    int page { 0 };
    std::string detail; // Failed: the error; StartFailed: who got no copy; Ended (student): "returned" or "kept" (an own loan)
};

[[nodiscard]] std::string_view session_change_name(SessionChange::Kind kind);

class ClassSessionFollower {
public:
    ClassSessionFollower(Reader& reader, SessionRole role);

    // Applies one event and does this reader's part; a failure of that part
    // (no network, a refused licence) is reported as a Failed change and
    // kept in the session's `problem`, never thrown away silently.
    [[nodiscard]] std::vector<SessionChange> apply(const sync::SessionEvent& event);
    // Tries again what failed here (a prefetch or a licence while the network
    // was away); call it when the stream has connected again.
    [[nodiscard]] std::vector<SessionChange> retry_pending();
    // The student turned a page (free mode): reports it.
    [[nodiscard]] Result<void> page_turned(const std::string& session_id, int page);

    [[nodiscard]] const std::map<std::string, FollowedSession>& sessions() const { return m_sessions; }
    [[nodiscard]] SessionRole role() const { return m_role; }

private:
    void session_event(const sync::SessionEvent& event, std::vector<SessionChange>& changes);
    void prepare(FollowedSession& followed, std::vector<SessionChange>& changes);
    void open(FollowedSession& followed, std::vector<SessionChange>& changes);
    void follow_page(FollowedSession& followed, std::vector<SessionChange>& changes);
    void student_state(const sync::RosterEntry& entry, std::vector<SessionChange>& changes);
    void failed(FollowedSession& followed, const Error& error, std::vector<SessionChange>& changes);
    [[nodiscard]] std::string ended_loan(const std::string& title_id);

    Reader& m_reader;
    SessionRole m_role;
    std::map<std::string, FollowedSession> m_sessions;
    std::map<std::string, FollowedSession> m_before_sync; // what was done here, kept across a resync
};

}
