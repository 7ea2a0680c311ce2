#include "lending/class_sessions.h"

#include "lending/audit.h"
#include "lending/catalog.h"
#include "lending/circulation.h"
#include "lending/class_session_records.h"
#include "lending/directory.h"
#include "lending/ids.h"

namespace hondana::lending {

std::string_view session_mode_name(SessionMode mode)
{
    return mode == SessionMode::Guided ? "guided" : "free";
}

std::optional<SessionMode> parse_session_mode(std::string_view name)
{
    if (name == "free")
        return SessionMode::Free;
    if (name == "guided")
        return SessionMode::Guided;
    return std::nullopt;
}

std::string_view session_state_name(SessionState state)
{
    switch (state) {
    case SessionState::Scheduled:
        return "scheduled";
    case SessionState::Live:
        return "live";
    case SessionState::Ended:
        return "ended";
    }
    return "ended";
}

nlohmann::json session_json(const ClassSessionView& session)
{
    nlohmann::json json = { { "id", session.id }, { "class", session.class_name }, { "school", session.school },
        { "title_id", session.title_id }, { "title", session.title }, { "content", "/v1/content/" + session.title_id },
        { "teacher", session.teacher_name }, { "teacher_login", session.teacher_login },
        { "mode", session_mode_name(session.mode) }, { "state", session_state_name(session.state) },
        { "start_page", session.start_page }, { "page", session.page } };
    if (session.start_at)
        json["start_at"] = base::format_rfc3339(*session.start_at);
    if (session.started_at)
        json["started_at"] = base::format_rfc3339(*session.started_at);
    if (session.ended_at)
        json["ended_at"] = base::format_rfc3339(*session.ended_at);
    return json;
}

namespace {

AuditContext audit_of(const Caller& caller)
{
    return { caller.device.tenant_slug, caller.actor(), caller.device.id };
}

Result<void> check_request(const SessionRequest& request)
{
    if (request.start_page < 1 || request.start_page > max_session_page)
        return fail(ErrorKind::MalformedRequest, "start_page must be 1 to " + std::to_string(max_session_page),
            { { "field", "start_page" } });
    if (request.class_name.empty())
        return fail(ErrorKind::MalformedRequest, "class is required", { { "field", "class" } });
    return {};
}

Result<void> require_no_open_session(storage::Database& db, int64_t class_id)
{
    auto row = TRY_DB(
        db.prepare("SELECT count(*) FROM class_sessions WHERE class_id = ?1 AND state IN ('scheduled', 'live')"));
    row.bind(1, class_id);
    TRY_DB(row.step());
    if (row.integer(0) > 0)
        return fail(ErrorKind::Conflict, "the class has a scheduled or live session already; end it first");
    return {};
}

Error wrong_state(const ClassSessionView& session, const std::string& what)
{
    return Error { ErrorKind::SessionState, what,
        { { "state", session_state_name(session.state) }, { "mode", session_mode_name(session.mode) } } };
}

}

ClassSessions::ClassSessions(Store& store, const Clock& clock, EventHub& hub)
    : m_store(store)
    , m_clock(clock)
    , m_hub(hub)
{
}

Result<ClassSessionView> ClassSessions::create(const Caller& caller, const SessionRequest& request)
{
    TRY(check_request(request));
    auto now = m_clock.now();
    bool scheduled = request.start_at && *request.start_at > now;
    std::map<int64_t, std::string> licences;
    auto session_result = m_store.write([&](storage::Database& db) -> Result<ClassSessionView> {
        auto class_id = TRY(records::resolve_class(db, caller, request.class_name, request.school));
        TRY(records::require_leader(db, caller, class_id));
        TRY(load_title(db, caller.device.tenant_id, request.title_id));
        TRY(require_no_open_session(db, class_id));
        auto id = TRY(new_uuid());
        auto now_text = base::format_rfc3339(now);
        auto insert = TRY_DB(db.prepare("INSERT INTO class_sessions (id, tenant_id, class_id, title_id, created_by, "
                                        "mode, state, start_page, current_page, start_at, created_at, updated_at) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'scheduled', ?7, ?7, ?8, ?9, ?9)"));
        insert.bind(1, id).bind(2, caller.device.tenant_id).bind(3, class_id).bind(4, request.title_id);
        insert.bind(5, caller.user.id).bind(6, session_mode_name(request.mode)).bind(7, request.start_page);
        insert.bind(8, base::format_rfc3339(request.start_at.value_or(now))).bind(9, now_text);
        TRY_DB(insert.run());
        auto created = TRY(records::load_session(db, caller.device.tenant_id, id));
        // Copies are checked when scheduling too, so a refusal comes while the teacher is there.
        auto plan = TRY(records::plan_licences(db, now, created, caller.device.tenant_slug));
        if (!plan.refused.empty())
            return tl::make_unexpected(records::refusal(plan));
        auto entry = audit_of(caller).entry("session.schedule", id);
        entry.after = session_json(created).dump();
        TRY(append_audit(db, now, entry));
        if (scheduled)
            return created;
        auto started = TRY(start_locked(db, created, caller.device.tenant_slug, caller.actor()));
        licences = TRY(records::session_licences(db, id));
        return started;
    });
    auto session = TRY(std::move(session_result));
    if (scheduled) {
        publish_session(session, "session.scheduled");
    } else {
        publish_session(session, "session.started", licences);
    }
    return session;
}

Result<ClassSessionView> ClassSessions::start_locked(
    storage::Database& db, const ClassSessionView& session, const std::string& tenant_slug, const std::string& actor)
{
    auto now = m_clock.now();
    auto plan = TRY(records::plan_licences(db, now, session, tenant_slug));
    if (!plan.refused.empty())
        return tl::make_unexpected(records::refusal(plan));
    TRY(records::grant_licences(db, now, session, plan, actor));
    auto update = TRY_DB(db.prepare("UPDATE class_sessions SET state = 'live', started_at = ?1, updated_at = ?1 "
                                    "WHERE id = ?2 AND state = 'scheduled'"));
    update.bind(1, base::format_rfc3339(now)).bind(2, session.id);
    TRY_DB(update.run());
    if (db.changes() != 1)
        return tl::make_unexpected(wrong_state(session, "the session is not scheduled"));
    AuditEntry entry { .tenant = tenant_slug, .actor = actor, .action = "session.start", .target = session.id };
    entry.before = nlohmann::json { { "state", "scheduled" } }.dump();
    entry.after = nlohmann::json {
        { "state", "live" }, { "own_loans", plan.own.size() + plan.held.size() },
        { "session_loans", plan.new_loans.size() }
    }.dump();
    TRY(append_audit(db, now, entry));
    return records::load_session(db, session.tenant_id, session.id);
}

Result<ClassSessionView> ClassSessions::start(const Caller& caller, std::string_view session_id)
{
    std::map<int64_t, std::string> licences;
    auto session_result = m_store.write([&](storage::Database& db) -> Result<ClassSessionView> {
        auto found = TRY(records::load_session(db, caller.device.tenant_id, session_id));
        TRY(records::require_leader(db, caller, found.class_id));
        if (found.state != SessionState::Scheduled)
            return tl::make_unexpected(wrong_state(found, "only a scheduled session can be started"));
        auto started = TRY(start_locked(db, found, caller.device.tenant_slug, caller.actor()));
        licences = TRY(records::session_licences(db, started.id));
        return started;
    });
    auto session = TRY(std::move(session_result));
    publish_session(session, "session.started", licences);
    return session;
}

Result<ClassSessionView> ClassSessions::guide(const Caller& caller, std::string_view session_id, int page)
{
    if (page < 1 || page > max_session_page)
        return fail(ErrorKind::MalformedRequest, "page must be 1 to " + std::to_string(max_session_page),
            { { "field", "page" } });
    auto now = m_clock.now();
    auto session_result = m_store.write([&](storage::Database& db) -> Result<ClassSessionView> {
        auto found = TRY(records::load_session(db, caller.device.tenant_id, session_id));
        TRY(records::require_leader(db, caller, found.class_id));
        if (found.state != SessionState::Live || found.mode != SessionMode::Guided)
            return tl::make_unexpected(wrong_state(found, "the page is guided only in a live, guided session"));
        auto update = TRY_DB(db.prepare("UPDATE class_sessions SET current_page = ?1, updated_at = ?2 WHERE id = ?3"));
        update.bind(1, page).bind(2, base::format_rfc3339(now)).bind(3, found.id);
        TRY_DB(update.run());
        auto entry = audit_of(caller).entry("session.guide", found.id);
        entry.before = nlohmann::json { { "page", found.page } }.dump();
        entry.after = nlohmann::json { { "page", page } }.dump();
        TRY(append_audit(db, now, entry));
        found.page = page;
        return found;
    });
    auto session = TRY(std::move(session_result));
    publish_session(session, "session.page");
    return session;
}

Result<SessionEnd> ClassSessions::end(const Caller& caller, std::string_view session_id)
{
    auto now = m_clock.now();
    auto ended_result = m_store.write([&](storage::Database& db) -> Result<SessionEnd> {
        auto found = TRY(records::load_session(db, caller.device.tenant_id, session_id));
        TRY(records::require_leader(db, caller, found.class_id));
        if (found.state == SessionState::Ended)
            return tl::make_unexpected(wrong_state(found, "the session has ended already"));
        auto loans = TRY_DB(db.prepare("SELECT sl.loan_id FROM class_session_loans sl JOIN loans l ON l.id = "
                                       "sl.loan_id WHERE sl.session_id = ?1 AND sl.own = 0 AND l.status = 'active'"));
        loans.bind(1, found.id);
        std::vector<std::string> ids;
        while (TRY_DB(loans.step()))
            ids.push_back(loans.text(0));
        SessionEnd result;
        for (const auto& id : ids) {
            auto loan = TRY(load_loan(db, caller.device.tenant_id, id));
            TRY(end_loan(db, now, loan, "returned", std::nullopt, audit_of(caller)));
            ++result.returned;
        }
        auto update = TRY_DB(db.prepare("UPDATE class_sessions SET state = 'ended', ended_at = ?1, updated_at = ?1 "
                                        "WHERE id = ?2"));
        update.bind(1, base::format_rfc3339(now)).bind(2, found.id);
        TRY_DB(update.run());
        auto entry = audit_of(caller).entry("session.end", found.id);
        entry.before = nlohmann::json { { "state", session_state_name(found.state) } }.dump();
        entry.after = nlohmann::json { { "state", "ended" }, { "returned", result.returned } }.dump();
        TRY(append_audit(db, now, entry));
        result.session = TRY(records::load_session(db, caller.device.tenant_id, found.id));
        return result;
    });
    auto ended = TRY(std::move(ended_result));
    {
        std::lock_guard lock(m_reports_mutex);
        m_reports.erase(ended.session.id);
        m_start_failed.erase(ended.session.id);
    }
    publish_session(ended.session, "session.ended");
    return ended;
}

Result<int> ClassSessions::start_due()
{
    // One indexed query a second (class_sessions_state): cheap enough to need no cache.
    auto now = m_clock.now();
    auto due_result = m_store.read([&](storage::Database& db) { return records::due_sessions(db, now); });
    auto due = TRY(std::move(due_result));
    int started = 0;
    for (const auto& session : due) {
        {
            std::lock_guard lock(m_reports_mutex);
            if (m_start_failed.contains(session.id))
                continue; // waits for the teacher to start or end it
        }
        std::map<int64_t, std::string> licences;
        auto result = m_store.write([&](storage::Database& db) -> Result<ClassSessionView> {
            auto tenant = TRY(load_tenant(db, session.tenant_id));
            auto live = TRY(start_locked(db, session, tenant.slug, "service"));
            licences = TRY(records::session_licences(db, live.id));
            return live;
        });
        if (result) {
            ++started;
            publish_session(*result, "session.started", licences);
            continue;
        }
        if (result.error().kind == ErrorKind::SessionState)
            continue; // a leader started or ended it meanwhile
        if (result.error().kind != ErrorKind::NotEnoughCopies)
            return tl::make_unexpected(result.error());
        // Stays scheduled: the teacher sees who is short and starts it (or ends it) by hand.
        {
            std::lock_guard lock(m_reports_mutex);
            m_start_failed.insert(session.id);
        }
        auto data = result.error().details;
        data["session_id"] = session.id;
        m_hub.publish({ {}, session.tenant_id, { session.class_id, true, { session.teacher_id } },
            "session.start_failed", data.dump() });
    }
    return started;
}

}
