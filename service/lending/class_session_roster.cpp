// Class sessions as the participants see them: the roster, students'
// reports, presence, the snapshot a new event stream starts from, and the
// events every change publishes.

#include "lending/class_session_records.h"
#include "lending/class_sessions.h"

namespace hondana::lending {

std::string_view student_state_name(StudentState state)
{
    switch (state) {
    case StudentState::NotConnected:
        return "not-connected";
    case StudentState::Connected:
        return "connected";
    case StudentState::ContentReady:
        return "content-ready";
    case StudentState::Reading:
        return "reading";
    }
    return "not-connected";
}

std::optional<StudentState> parse_student_state(std::string_view name)
{
    for (auto state :
        { StudentState::NotConnected, StudentState::Connected, StudentState::ContentReady, StudentState::Reading })
        if (student_state_name(state) == name)
            return state;
    return std::nullopt;
}

nlohmann::json roster_entry_json(const std::string& session_id, const RosterEntry& entry)
{
    nlohmann::json json = { { "session_id", session_id }, { "login_id", entry.login_id },
        { "display_name", entry.display_name }, { "state", student_state_name(entry.state) } };
    if (entry.page)
        json["page"] = *entry.page;
    return json;
}

namespace {

bool is_staff(const Caller& caller)
{
    return caller.user.role != Role::Student;
}

RosterEntry entry_of(int64_t user_id, const std::string& login_id, const std::string& display_name)
{
    RosterEntry entry;
    entry.user_id = user_id;
    entry.login_id = login_id;
    entry.display_name = display_name;
    return entry;
}

bool is_member(const std::vector<int64_t>& classes, int64_t class_id)
{
    return std::find(classes.begin(), classes.end(), class_id) != classes.end();
}

}

void ClassSessions::publish_session(
    const ClassSessionView& session, std::string_view type, const std::map<int64_t, std::string>& licences)
{
    auto data = session_json(session);
    if (licences.empty()) {
        m_hub.publish({ {}, session.tenant_id, { session.class_id, false, { session.teacher_id } }, std::string(type),
            data.dump() });
        return;
    }
    // A start tells each student which licence is theirs, so it can fetch it at once.
    m_hub.publish(
        { {}, session.tenant_id, { session.class_id, true, { session.teacher_id } }, std::string(type), data.dump() });
    for (const auto& [user_id, licence_id] : licences) {
        auto mine = data;
        mine["licence_id"] = licence_id;
        m_hub.publish({ {}, session.tenant_id, { 0, false, { user_id } }, std::string(type), mine.dump() });
    }
}

void ClassSessions::publish_student(const ClassSessionView& session, const RosterEntry& entry)
{
    m_hub.publish({ {}, session.tenant_id, { session.class_id, true, { session.teacher_id } }, "student.state",
        roster_entry_json(session.id, entry).dump() });
}

RosterEntry ClassSessions::effective(const ClassSessionView& session, RosterEntry entry)
{
    bool connected = m_hub.streams_of(session.tenant_id, entry.user_id) > 0;
    std::optional<Report> report;
    {
        std::lock_guard lock(m_reports_mutex);
        if (auto found = m_reports.find(session.id); found != m_reports.end())
            if (auto mine = found->second.find(entry.user_id); mine != found->second.end())
                report = mine->second;
    }
    if (report)
        entry.page = report->page;
    entry.state = !connected ? StudentState::NotConnected : report ? report->state : StudentState::Connected;
    return entry;
}

Result<std::vector<RosterEntry>> ClassSessions::roster(const ClassSessionView& session)
{
    auto students_result
        = m_store.read([&](storage::Database& db) { return records::class_students(db, session.class_id); });
    auto students = TRY(std::move(students_result));
    std::vector<RosterEntry> entries;
    for (const auto& student : students)
        entries.push_back(effective(session, entry_of(student.id, student.login_id, student.display_name)));
    return entries;
}

Result<void> ClassSessions::report(
    const Caller& caller, std::string_view session_id, StudentState state, std::optional<int> page)
{
    if (state != StudentState::ContentReady && state != StudentState::Reading)
        return fail(ErrorKind::MalformedRequest, "state must be content-ready or reading", { { "field", "state" } });
    if (page && (*page < 1 || *page > max_session_page))
        return fail(ErrorKind::MalformedRequest, "page is out of range", { { "field", "page" } });
    auto loaded = m_store.read([&](storage::Database& db) -> Result<ClassSessionView> {
        auto found = TRY(records::load_session(db, caller.device.tenant_id, session_id));
        auto classes = TRY(records::user_classes(db, caller.user.id));
        if (caller.user.role != Role::Student || !is_member(classes, found.class_id))
            return fail(ErrorKind::Forbidden, "only a student of the class reports to its session");
        return found;
    });
    auto session = TRY(std::move(loaded));
    if (session.state == SessionState::Ended)
        return fail(ErrorKind::SessionState, "the session has ended",
            { { "state", "ended" }, { "mode", session_mode_name(session.mode) } });
    {
        std::lock_guard lock(m_reports_mutex);
        m_reports[session.id][caller.user.id] = { state, page };
    }
    publish_student(
        session, effective(session, entry_of(caller.user.id, caller.user.login_id, caller.user.display_name)));
    return {};
}

Result<std::vector<ClassSessionView>> ClassSessions::open_sessions(const Caller& caller)
{
    return m_store.read([&](storage::Database& db) -> Result<std::vector<ClassSessionView>> {
        auto classes = TRY(records::user_classes(db, caller.user.id));
        std::vector<ClassSessionView> visible;
        for (auto& session : TRY(records::open_sessions(db, caller.device.tenant_id, std::nullopt)))
            if (is_member(classes, session.class_id) || session.teacher_id == caller.user.id)
                visible.push_back(std::move(session));
        return visible;
    });
}

Result<SessionDetail> ClassSessions::detail(const Caller& caller, std::string_view session_id)
{
    auto loaded = m_store.read([&](storage::Database& db) -> Result<std::pair<ClassSessionView, bool>> {
        auto found = TRY(records::load_session(db, caller.device.tenant_id, session_id));
        bool leader = is_staff(caller) && records::require_leader(db, caller, found.class_id).has_value();
        auto classes = TRY(records::user_classes(db, caller.user.id));
        if (!leader && !is_member(classes, found.class_id))
            return fail(ErrorKind::NotFound, "no such session");
        return std::make_pair(found, leader);
    });
    auto [session, leads] = TRY(std::move(loaded));
    SessionDetail detail { session, leads, {}, std::nullopt };
    if (leads) {
        detail.roster = TRY(roster(session));
    } else if (session.state == SessionState::Live) {
        auto licences_result
            = m_store.read([&](storage::Database& db) { return records::session_licences(db, session.id); });
        auto licences = TRY(std::move(licences_result));
        if (auto mine = licences.find(caller.user.id); mine != licences.end())
            detail.licence_id = mine->second;
    }
    return detail;
}

Result<Subscriber> ClassSessions::subscriber(const Caller& caller)
{
    auto classes_result
        = m_store.read([&](storage::Database& db) { return records::user_classes(db, caller.user.id); });
    auto classes = TRY(std::move(classes_result));
    return Subscriber { caller.device.tenant_id, caller.user.id, is_staff(caller), { classes.begin(), classes.end() } };
}

Result<std::vector<Event>> ClassSessions::snapshot(const Caller& caller, const Subscriber& who)
{
    std::vector<Event> events;
    for (const auto& session : TRY(open_sessions(caller))) {
        auto data = session_json(session);
        auto detail = TRY(this->detail(caller, session.id));
        if (who.staff) {
            auto roster = nlohmann::json::array();
            for (const auto& entry : detail.roster)
                roster.push_back(roster_entry_json(session.id, entry));
            data["roster"] = roster;
        } else if (detail.licence_id) {
            data["licence_id"] = *detail.licence_id;
        }
        auto type = session.state == SessionState::Live ? "session.started" : "session.scheduled";
        events.push_back({ {}, session.tenant_id, {}, type, data.dump() });
    }
    return events;
}

void ClassSessions::presence_changed(const Caller& caller, const Subscriber& who, bool connected)
{
    if (who.staff || (m_hub.streams_of(who.tenant_id, who.user_id) > 0) != connected)
        return; // another stream of the same user is still open (or just opened)
    std::vector<int64_t> classes(who.class_ids.begin(), who.class_ids.end());
    auto sessions
        = m_store.read([&](storage::Database& db) { return records::open_sessions(db, who.tenant_id, classes); });
    if (!sessions)
        return;
    for (const auto& session : *sessions)
        publish_student(
            session, effective(session, entry_of(caller.user.id, caller.user.login_id, caller.user.display_name)));
}

void ClassSessions::stream_opened(const Caller& caller, const Subscriber& who)
{
    if (m_hub.streams_of(who.tenant_id, who.user_id) == 1)
        presence_changed(caller, who, true);
}

void ClassSessions::stream_closed(const Caller& caller, const Subscriber& who)
{
    presence_changed(caller, who, false);
}

}
