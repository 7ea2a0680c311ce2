#include "lending/class_session_records.h"

#include "lending/audit.h"
#include "lending/catalog.h"
#include "lending/circulation.h"
#include "lending/directory.h"
#include "lending/ids.h"

namespace hondana::lending::records {

namespace {

// Session loans last until the session ends, and at most this long.
constexpr auto session_loan_length = std::chrono::hours(24);

constexpr std::string_view session_select
    = "SELECT s.id, s.tenant_id, s.class_id, c.name, sc.name, s.title_id, t.title, s.created_by, u.login_id, "
      "u.display_name, s.mode, s.state, s.start_page, s.current_page, s.start_at, s.started_at, s.ended_at "
      "FROM class_sessions s JOIN classes c ON c.id = s.class_id JOIN schools sc ON sc.id = c.school_id "
      "JOIN titles t ON t.id = s.title_id JOIN users u ON u.id = s.created_by ";

std::optional<base::Timestamp> optional_time(const storage::Statement& row, int column)
{
    auto text = row.optional_text(column);
    return text ? base::parse_rfc3339(*text) : std::nullopt;
}

ClassSessionView read_session(const storage::Statement& row)
{
    ClassSessionView view;
    view.id = row.text(0);
    view.tenant_id = row.integer(1);
    view.class_id = row.integer(2);
    view.class_name = row.text(3);
    view.school = row.text(4);
    view.title_id = row.text(5);
    view.title = row.text(6);
    view.teacher_id = row.integer(7);
    view.teacher_login = row.text(8);
    view.teacher_name = row.text(9);
    view.mode = parse_session_mode(row.text(10)).value_or(SessionMode::Free);
    auto state = row.text(11);
    view.state = state == "live" ? SessionState::Live
        : state == "ended"       ? SessionState::Ended
                                 : SessionState::Scheduled;
    view.start_page = static_cast<int>(row.integer(12));
    view.page = static_cast<int>(row.integer(13));
    view.start_at = optional_time(row, 14);
    view.started_at = optional_time(row, 15);
    view.ended_at = optional_time(row, 16);
    return view;
}

Result<std::vector<ClassSessionView>> read_all(storage::Statement& rows)
{
    std::vector<ClassSessionView> sessions;
    while (TRY_DB(rows.step()))
        sessions.push_back(read_session(rows));
    return sessions;
}

Result<std::optional<std::string>> ready_reservation(storage::Database& db, int64_t user_id, std::string_view title_id)
{
    auto row
        = TRY_DB(db.prepare("SELECT id FROM reservations WHERE user_id = ?1 AND title_id = ?2 AND status = 'ready'"));
    row.bind(1, user_id).bind(2, title_id);
    if (!TRY_DB(row.step()))
        return std::optional<std::string> {};
    return std::optional<std::string>(row.text(0));
}

Result<std::optional<std::string>> active_loan(storage::Database& db, int64_t user_id, std::string_view title_id)
{
    auto row = TRY_DB(db.prepare("SELECT id FROM loans WHERE user_id = ?1 AND title_id = ?2 AND status = 'active'"));
    row.bind(1, user_id).bind(2, title_id);
    if (!TRY_DB(row.step()))
        return std::optional<std::string> {};
    return std::optional<std::string>(row.text(0));
}

Result<void> link(
    storage::Database& db, std::string_view session_id, int64_t user_id, std::string_view loan_id, bool own)
{
    auto insert = TRY_DB(
        db.prepare("INSERT INTO class_session_loans (session_id, user_id, loan_id, own) VALUES (?1, ?2, ?3, ?4)"));
    insert.bind(1, session_id).bind(2, user_id).bind(3, loan_id).bind(4, own ? 1 : 0);
    return insert.run().map_error(from_storage);
}

// A loan made by a session start: a session loan (returned at the end, at
// most a day) or, for a student whose reserved copy was held, their own loan
// of the tenant's loan period (it stays after the end).
enum class LoanKind { Session, Own };

Result<std::string> new_session_loan(storage::Database& db, base::Timestamp now, const ClassSessionView& session,
    const Student& student, const std::string& actor, LoanKind kind, const Tenant& tenant)
{
    auto id = TRY(new_uuid());
    auto licence_id = TRY(new_uuid());
    auto now_text = base::format_rfc3339(now);
    auto length = kind == LoanKind::Session
        ? std::chrono::duration_cast<std::chrono::seconds>(session_loan_length)
        : std::chrono::duration_cast<std::chrono::seconds>(std::chrono::days(tenant.policy.loan_days));
    auto end = base::format_rfc3339(now + length);
    auto insert = TRY_DB(db.prepare("INSERT INTO loans (id, tenant_id, user_id, title_id, licence_id, start_at, "
                                    "end_at, status, licence_status, created_at, updated_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', 'ready', ?6, ?6)"));
    insert.bind(1, id).bind(2, session.tenant_id).bind(3, student.id).bind(4, session.title_id);
    insert.bind(5, licence_id).bind(6, now_text).bind(7, end);
    TRY_DB(insert.run());
    AuditEntry entry { .tenant = tenant.slug,
        .actor = actor,
        .action = kind == LoanKind::Session ? "loan.session" : "loan.borrow",
        .target = id };
    entry.after = nlohmann::json {
        { "title_id", session.title_id }, { "user", student.login_id }, { "session", session.id }, { "end", end }
    }.dump();
    TRY(append_audit(db, now, entry));
    return id;
}

}

Result<ClassSessionView> load_session(storage::Database& db, int64_t tenant_id, std::string_view session_id)
{
    auto row = TRY_DB(db.prepare(std::string(session_select) + "WHERE s.id = ?1 AND s.tenant_id = ?2"));
    row.bind(1, session_id).bind(2, tenant_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no such session");
    return read_session(row);
}

Result<std::vector<ClassSessionView>> open_sessions(
    storage::Database& db, int64_t tenant_id, const std::optional<std::vector<int64_t>>& classes)
{
    if (!classes) {
        auto rows = TRY_DB(db.prepare(std::string(session_select)
            + "WHERE s.tenant_id = ?1 AND s.state IN ('scheduled', 'live') ORDER BY s.created_at, s.id"));
        rows.bind(1, tenant_id);
        return read_all(rows);
    }
    std::vector<ClassSessionView> sessions;
    for (auto class_id : *classes) {
        auto rows = TRY_DB(db.prepare(std::string(session_select)
            + "WHERE s.class_id = ?1 AND s.tenant_id = ?2 AND s.state IN ('scheduled', 'live') ORDER BY s.created_at"));
        rows.bind(1, class_id).bind(2, tenant_id);
        for (auto& session : TRY(read_all(rows)))
            sessions.push_back(std::move(session));
    }
    return sessions;
}

Result<std::vector<ClassSessionView>> due_sessions(storage::Database& db, base::Timestamp now)
{
    auto rows = TRY_DB(db.prepare(
        std::string(session_select) + "WHERE s.state = 'scheduled' AND s.start_at <= ?1 ORDER BY s.start_at"));
    rows.bind(1, base::format_rfc3339(now));
    return read_all(rows);
}

Result<std::vector<Student>> class_students(storage::Database& db, int64_t class_id)
{
    auto rows = TRY_DB(db.prepare("SELECT u.id, u.login_id, u.display_name FROM class_members m "
                                  "JOIN users u ON u.id = m.user_id WHERE m.class_id = ?1 AND u.role = 'student' "
                                  "AND u.status = 'active' ORDER BY u.login_id"));
    rows.bind(1, class_id);
    std::vector<Student> students;
    while (TRY_DB(rows.step()))
        students.push_back({ rows.integer(0), rows.text(1), rows.text(2) });
    return students;
}

Result<std::vector<int64_t>> user_classes(storage::Database& db, int64_t user_id)
{
    auto rows = TRY_DB(db.prepare("SELECT class_id FROM class_members WHERE user_id = ?1"));
    rows.bind(1, user_id);
    std::vector<int64_t> classes;
    while (TRY_DB(rows.step()))
        classes.push_back(rows.integer(0));
    return classes;
}

Result<void> require_leader(storage::Database& db, const Caller& caller, int64_t class_id)
{
    auto row = TRY_DB(db.prepare("SELECT school_id, (SELECT count(*) FROM class_members WHERE class_id = ?1 "
                                 "AND user_id = ?2) FROM classes WHERE id = ?1 AND tenant_id = ?3"));
    row.bind(1, class_id).bind(2, caller.user.id).bind(3, caller.device.tenant_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no such class");
    auto school_id = row.integer(0);
    bool member = row.integer(1) > 0;
    if (caller.user.role == Role::Teacher && member)
        return {};
    if (caller.user.role == Role::Admin && (!caller.user.school_id || *caller.user.school_id == school_id))
        return {};
    return fail(ErrorKind::Forbidden, "only a teacher of the class or an admin may lead its reading sessions");
}

Result<int64_t> resolve_class(storage::Database& db, const Caller& caller, const std::string& class_name,
    const std::optional<std::string>& school)
{
    int64_t school_id = 0;
    if (school)
        school_id = TRY(find_school(db, caller.device.tenant_id, *school));
    else if (caller.user.school_id)
        school_id = *caller.user.school_id;
    else
        return fail(
            ErrorKind::MalformedRequest, "school is required for a tenant-wide admin", { { "field", "school" } });
    return find_class(db, school_id, class_name);
}

Result<std::map<int64_t, std::string>> session_licences(storage::Database& db, std::string_view session_id)
{
    auto rows = TRY_DB(db.prepare("SELECT sl.user_id, l.licence_id FROM class_session_loans sl "
                                  "JOIN loans l ON l.id = sl.loan_id WHERE sl.session_id = ?1"));
    rows.bind(1, session_id);
    std::map<int64_t, std::string> licences;
    while (TRY_DB(rows.step()))
        licences.emplace(rows.integer(0), rows.text(1));
    return licences;
}

Result<LicensingPlan> plan_licences(
    storage::Database& db, base::Timestamp now, const ClassSessionView& session, const std::string& tenant_slug)
{
    auto title = TRY(load_title(db, session.tenant_id, session.title_id));
    TRY(settle_title(db, now, title, tenant_slug));
    auto availability = TRY(title_availability(db, title));
    LicensingPlan plan;
    plan.unlimited = availability.unlimited;
    plan.available = availability.available;
    int64_t left = availability.available;
    for (auto& student : TRY(class_students(db, session.class_id))) {
        if (TRY(active_loan(db, student.id, title.id)))
            plan.own.push_back(std::move(student));
        else if (TRY(ready_reservation(db, student.id, title.id)))
            plan.held.push_back(std::move(student));
        else if (plan.unlimited || left-- > 0)
            plan.new_loans.push_back(std::move(student));
        else
            plan.refused.push_back(std::move(student));
    }
    return plan;
}

Result<void> grant_licences(storage::Database& db, base::Timestamp now, const ClassSessionView& session,
    const LicensingPlan& plan, const std::string& actor)
{
    auto tenant = TRY(load_tenant(db, session.tenant_id));
    for (const auto& student : plan.own) {
        auto loan = TRY(active_loan(db, student.id, session.title_id));
        TRY(link(db, session.id, student.id, loan.value_or(""), true));
    }
    for (const auto& student : plan.held) {
        auto reservation = TRY(ready_reservation(db, student.id, session.title_id));
        auto fulfil = TRY_DB(db.prepare("UPDATE reservations SET status = 'fulfilled', updated_at = ?1 WHERE id = ?2"));
        fulfil.bind(1, base::format_rfc3339(now)).bind(2, reservation.value_or(""));
        TRY_DB(fulfil.run());
        auto loan = TRY(new_session_loan(db, now, session, student, actor, LoanKind::Own, tenant));
        TRY(link(db, session.id, student.id, loan, true));
    }
    for (const auto& student : plan.new_loans) {
        auto loan = TRY(new_session_loan(db, now, session, student, actor, LoanKind::Session, tenant));
        TRY(link(db, session.id, student.id, loan, false));
    }
    return {};
}

Error refusal(const LicensingPlan& plan)
{
    auto students = nlohmann::json::array();
    for (const auto& student : plan.refused)
        students.push_back(
            { { "login_id", student.login_id }, { "display_name", student.display_name }, { "reason", "no-copy" } });
    auto needed = static_cast<int64_t>(plan.new_loans.size() + plan.refused.size());
    return Error { ErrorKind::NotEnoughCopies,
        std::to_string(plan.refused.size()) + " of the class's students could not get a copy (" + std::to_string(needed)
            + " needed, " + std::to_string(plan.available) + " free)",
        { { "students", students }, { "needed", needed }, { "available", plan.available } } };
}

}
