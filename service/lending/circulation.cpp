#include "lending/circulation.h"

#include "lending/audit.h"
#include "lending/directory.h"
#include "lending/ids.h"

namespace hondana::lending {

namespace {

constexpr std::string_view loan_select
    = "SELECT l.id, l.title_id, t.title, l.start_at, l.end_at, l.status, l.licence_id, "
      "l.licence_status, l.renewals, l.user_id, l.tenant_id FROM loans l "
      "JOIN titles t ON t.id = l.title_id ";

LoanView read_loan(const storage::Statement& row)
{
    LoanView loan;
    loan.id = row.text(0);
    loan.title_id = row.text(1);
    loan.title = row.text(2);
    loan.start = base::parse_rfc3339(row.text(3)).value_or(base::Timestamp {});
    loan.end = base::parse_rfc3339(row.text(4)).value_or(base::Timestamp {});
    loan.status = row.text(5);
    loan.licence_id = row.text(6);
    loan.licence_status = row.text(7);
    loan.renewals = static_cast<int>(row.integer(8));
    loan.user_id = row.integer(9);
    loan.tenant_id = row.integer(10);
    return loan;
}

AuditContext audit_of(const Caller& caller)
{
    return { caller.device.tenant_slug, caller.actor(), caller.device.id };
}

Result<int64_t> count_active_loans(storage::Database& db, int64_t user_id)
{
    auto count = TRY_DB(db.prepare("SELECT count(*) FROM loans WHERE user_id = ?1 AND status = 'active'"));
    count.bind(1, user_id);
    TRY_DB(count.step());
    return count.integer(0);
}

struct OpenReservation {
    std::string id;
    std::string status;
    int64_t queued;
};

Result<std::optional<OpenReservation>> open_reservation(
    storage::Database& db, int64_t user_id, std::string_view title_id)
{
    auto row = TRY_DB(db.prepare("SELECT id, status, queued FROM reservations WHERE user_id = ?1 AND title_id = ?2 "
                                 "AND status IN ('waiting', 'ready')"));
    row.bind(1, user_id).bind(2, title_id);
    if (!TRY_DB(row.step()))
        return std::optional<OpenReservation> {};
    return std::optional<OpenReservation>(OpenReservation { row.text(0), row.text(1), row.integer(2) });
}

Result<int64_t> queue_position(storage::Database& db, std::string_view title_id, int64_t queued)
{
    auto row = TRY_DB(db.prepare("SELECT count(*) FROM reservations WHERE title_id = ?1 "
                                 "AND status IN ('waiting', 'ready') AND queued <= ?2"));
    row.bind(1, title_id).bind(2, queued);
    TRY_DB(row.step());
    return row.integer(0);
}

Result<ReservationView> load_reservation(storage::Database& db, std::string_view reservation_id)
{
    auto row
        = TRY_DB(db.prepare("SELECT r.id, r.title_id, t.title, r.queued, r.expires_at, r.status FROM reservations r "
                            "JOIN titles t ON t.id = r.title_id WHERE r.id = ?1"));
    row.bind(1, reservation_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no such reservation");
    ReservationView view { row.text(0), row.text(1), row.text(2), 0, {}, row.text(5) };
    auto queued = row.integer(3);
    if (auto expires = row.optional_text(4))
        view.expires_at = base::parse_rfc3339(*expires);
    view.position = TRY(queue_position(db, view.title_id, queued));
    return view;
}

Result<void> set_reservation_status(
    storage::Database& db, std::string_view id, std::string_view status, base::Timestamp now)
{
    auto update = TRY_DB(db.prepare("UPDATE reservations SET status = ?1, updated_at = ?2 WHERE id = ?3"));
    update.bind(1, status).bind(2, base::format_rfc3339(now)).bind(3, id);
    return update.run().map_error(from_storage);
}

Result<void> expire_due(
    storage::Database& db, base::Timestamp now, const TitleRecord& title, const std::string& tenant_slug)
{
    auto now_text = base::format_rfc3339(now);
    auto loans = TRY_DB(db.prepare("SELECT id FROM loans WHERE title_id = ?1 AND status = 'active' AND end_at <= ?2"));
    loans.bind(1, title.id).bind(2, now_text);
    std::vector<std::string> expired;
    while (TRY_DB(loans.step()))
        expired.push_back(loans.text(0));
    for (const auto& id : expired) {
        auto update = TRY_DB(db.prepare("UPDATE loans SET status = 'expired', licence_status = 'expired', "
                                        "updated_at = ?1 WHERE id = ?2"));
        update.bind(1, now_text).bind(2, id);
        TRY_DB(update.run());
        TRY(append_audit(
            db, now, { .tenant = tenant_slug, .actor = "service", .action = "loan.expire", .target = id }));
    }
    auto holds = TRY_DB(
        db.prepare("SELECT id FROM reservations WHERE title_id = ?1 AND status = 'ready' AND expires_at <= ?2"));
    holds.bind(1, title.id).bind(2, now_text);
    std::vector<std::string> lapsed;
    while (TRY_DB(holds.step()))
        lapsed.push_back(holds.text(0));
    for (const auto& id : lapsed) {
        TRY(set_reservation_status(db, id, "expired", now));
        TRY(append_audit(
            db, now, { .tenant = tenant_slug, .actor = "service", .action = "reservation.expire", .target = id }));
    }
    return {};
}

Result<void> promote_queue(
    storage::Database& db, base::Timestamp now, const TitleRecord& title, const std::string& tenant_slug)
{
    auto tenant = TRY(load_tenant(db, title.tenant_id));
    for (;;) {
        auto availability = TRY(title_availability(db, title));
        if (!availability.unlimited && availability.available <= 0)
            return {};
        auto next = TRY_DB(db.prepare("SELECT id FROM reservations WHERE title_id = ?1 AND status = 'waiting' "
                                      "ORDER BY queued LIMIT 1"));
        next.bind(1, title.id);
        if (!TRY_DB(next.step()))
            return {};
        auto id = next.text(0);
        next.reset();
        auto update = TRY_DB(db.prepare("UPDATE reservations SET status = 'ready', ready_at = ?1, expires_at = ?2, "
                                        "updated_at = ?1 WHERE id = ?3"));
        update.bind(1, base::format_rfc3339(now));
        update.bind(2, base::format_rfc3339(now + std::chrono::days(tenant.policy.hold_days))).bind(3, id);
        TRY_DB(update.run());
        TRY(append_audit(
            db, now, { .tenant = tenant_slug, .actor = "service", .action = "reservation.ready", .target = id }));
    }
}

}

Result<LoanView> load_loan(storage::Database& db, int64_t tenant_id, std::string_view loan_id)
{
    auto row = TRY_DB(db.prepare(std::string(loan_select) + "WHERE l.id = ?1 AND l.tenant_id = ?2"));
    row.bind(1, loan_id).bind(2, tenant_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no such loan");
    return read_loan(row);
}

Result<LoanView> load_loan_by_licence(storage::Database& db, int64_t tenant_id, std::string_view licence_id)
{
    auto row = TRY_DB(db.prepare(std::string(loan_select) + "WHERE l.licence_id = ?1 AND l.tenant_id = ?2"));
    row.bind(1, licence_id).bind(2, tenant_id);
    if (!TRY_DB(row.step()))
        return fail(ErrorKind::NotFound, "no such licence");
    return read_loan(row);
}

Result<void> settle_title(
    storage::Database& db, base::Timestamp now, const TitleRecord& title, const std::string& tenant_slug)
{
    TRY(expire_due(db, now, title, tenant_slug));
    return promote_queue(db, now, title, tenant_slug);
}

Result<LoanView> end_loan(storage::Database& db, base::Timestamp now, const LoanView& loan, std::string_view status,
    const std::optional<std::string>& device_id, const AuditContext& audit)
{
    auto now_text = base::format_rfc3339(now);
    auto update = TRY_DB(db.prepare("UPDATE loans SET status = ?1, licence_status = ?1, updated_at = ?2 "
                                    "WHERE id = ?3 AND status = 'active'"));
    update.bind(1, status).bind(2, now_text).bind(3, loan.id);
    TRY_DB(update.run());
    if (db.changes() != 1)
        return fail(ErrorKind::LoanNotActive, "the loan is not active");
    std::string event = status == "returned" ? "return" : status == "revoked" ? "revoke" : "cancel";
    auto record = TRY_DB(
        db.prepare("INSERT INTO licence_events (licence_id, type, device_id, timestamp) VALUES (?1, ?2, ?3, ?4)"));
    record.bind(1, loan.licence_id).bind(2, event).bind(3, device_id).bind(4, now_text);
    TRY_DB(record.run());
    auto entry = audit.entry("loan." + event, loan.id);
    entry.before = nlohmann::json { { "status", loan.status } }.dump();
    entry.after = nlohmann::json { { "status", status } }.dump();
    TRY(append_audit(db, now, entry));
    auto tenant_id = TRY(load_tenant(db, audit.tenant)).id;
    auto title = TRY(load_title(db, tenant_id, loan.title_id));
    TRY(settle_title(db, now, title, audit.tenant));
    return load_loan(db, tenant_id, loan.id);
}

Result<void> close_user_circulation(storage::Database& db, base::Timestamp now, int64_t user_id,
    const std::string& tenant_slug, const std::string& actor)
{
    auto tenant = TRY(load_tenant(db, tenant_slug));
    auto loans = TRY_DB(db.prepare("SELECT id FROM loans WHERE user_id = ?1 AND status = 'active'"));
    loans.bind(1, user_id);
    std::vector<std::string> ids;
    while (TRY_DB(loans.step()))
        ids.push_back(loans.text(0));
    for (const auto& id : ids) {
        auto loan = TRY(load_loan(db, tenant.id, id));
        TRY(end_loan(db, now, loan, "returned", std::nullopt, { tenant_slug, actor, {} }));
    }
    auto holds = TRY_DB(
        db.prepare("SELECT id, title_id FROM reservations WHERE user_id = ?1 AND status IN ('waiting', 'ready')"));
    holds.bind(1, user_id);
    std::vector<std::pair<std::string, std::string>> open;
    while (TRY_DB(holds.step()))
        open.emplace_back(holds.text(0), holds.text(1));
    for (const auto& [id, title_id] : open) {
        TRY(set_reservation_status(db, id, "cancelled", now));
        auto title = TRY(load_title(db, tenant.id, title_id));
        TRY(settle_title(db, now, title, tenant_slug));
    }
    return {};
}

Result<base::Timestamp> renewal_end(storage::Database& db, base::Timestamp now, const LoanView& loan,
    const TenantPolicy& policy, std::optional<base::Timestamp> requested_end)
{
    if (loan.renewals >= policy.max_renewals)
        return fail(ErrorKind::RenewRefused, "the renewal limit is reached", { { "reason", "limit" } });
    auto waiting = TRY_DB(
        db.prepare("SELECT count(*) FROM reservations WHERE title_id = ?1 AND status IN ('waiting', 'ready')"));
    waiting.bind(1, loan.title_id);
    TRY_DB(waiting.step());
    if (waiting.integer(0) > 0)
        return fail(ErrorKind::RenewRefused, "someone is waiting for this title", { { "reason", "reserved" } });
    auto latest = std::max(loan.end, now) + std::chrono::days(policy.loan_days);
    if (!requested_end)
        return latest;
    if (*requested_end > latest || *requested_end <= loan.end)
        return fail(ErrorKind::RenewRefused,
            "the end asked for must be after the current end and no later than " + base::format_rfc3339(latest),
            { { "reason", "end" }, { "potential_end", base::format_rfc3339(latest) } });
    return *requested_end;
}

Circulation::Circulation(Store& store, const Clock& clock)
    : m_store(store)
    , m_clock(clock)
{
}

Result<LoanView> Circulation::borrow(const Caller& caller, std::string_view title_id)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<LoanView> {
        auto title = TRY(visible_title(db, caller, title_id));
        TRY(settle_title(db, now, title, caller.device.tenant_slug));
        auto tenant = TRY(load_tenant(db, caller.device.tenant_id));
        auto active = TRY_DB(
            db.prepare("SELECT count(*) FROM loans WHERE user_id = ?1 AND title_id = ?2 AND status = 'active'"));
        active.bind(1, caller.user.id).bind(2, title.id);
        TRY_DB(active.step());
        if (active.integer(0) > 0)
            return fail(ErrorKind::AlreadyBorrowed, "you have this title already");
        if (TRY(count_active_loans(db, caller.user.id)) >= tenant.policy.max_loans)
            return fail(ErrorKind::LoanLimit, "loan limit reached", { { "limit", tenant.policy.max_loans } });
        auto mine = TRY(open_reservation(db, caller.user.id, title.id));
        bool held_for_me = mine && mine->status == "ready";
        auto availability = TRY(title_availability(db, title));
        if (!held_for_me && !availability.unlimited && availability.available <= 0)
            return fail(ErrorKind::NoCopies, "no copy is free", { { "queue_length", availability.queue } });
        if (mine)
            TRY(set_reservation_status(db, mine->id, "fulfilled", now));
        auto id = TRY(new_uuid());
        auto licence_id = TRY(new_uuid());
        auto now_text = base::format_rfc3339(now);
        auto end = now + std::chrono::days(tenant.policy.loan_days);
        auto insert
            = TRY_DB(db.prepare("INSERT INTO loans (id, tenant_id, user_id, title_id, licence_id, start_at, end_at, "
                                "status, licence_status, created_at, updated_at) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', 'ready', ?6, ?6)"));
        insert.bind(1, id).bind(2, caller.device.tenant_id).bind(3, caller.user.id).bind(4, title.id);
        insert.bind(5, licence_id).bind(6, now_text).bind(7, base::format_rfc3339(end));
        TRY_DB(insert.run());
        auto entry = audit_of(caller).entry("loan.borrow", id);
        entry.after = nlohmann::json { { "title_id", title.id }, { "end", base::format_rfc3339(end) } }.dump();
        TRY(append_audit(db, now, entry));
        return load_loan(db, caller.device.tenant_id, id);
    });
}

Result<ReservationView> Circulation::reserve(const Caller& caller, std::string_view title_id)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<ReservationView> {
        auto title = TRY(visible_title(db, caller, title_id));
        TRY(settle_title(db, now, title, caller.device.tenant_slug));
        auto active = TRY_DB(
            db.prepare("SELECT count(*) FROM loans WHERE user_id = ?1 AND title_id = ?2 AND status = 'active'"));
        active.bind(1, caller.user.id).bind(2, title.id);
        TRY_DB(active.step());
        if (active.integer(0) > 0)
            return fail(ErrorKind::AlreadyBorrowed, "you have this title already");
        if (auto mine = TRY(open_reservation(db, caller.user.id, title.id)))
            return fail(ErrorKind::AlreadyReserved, "you are in the queue already",
                { { "position", TRY(queue_position(db, title.id, mine->queued)) } });
        auto last = TRY_DB(db.prepare("SELECT COALESCE(MAX(queued), 0) FROM reservations WHERE title_id = ?1"));
        last.bind(1, title.id);
        TRY_DB(last.step());
        auto queued = last.integer(0) + 1;
        auto id = TRY(new_uuid());
        auto now_text = base::format_rfc3339(now);
        auto insert = TRY_DB(db.prepare("INSERT INTO reservations (id, tenant_id, user_id, title_id, queued, status, "
                                        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'waiting', ?6, ?6)"));
        insert.bind(1, id).bind(2, caller.device.tenant_id).bind(3, caller.user.id).bind(4, title.id);
        insert.bind(5, queued).bind(6, now_text);
        TRY_DB(insert.run());
        TRY(append_audit(db, now, audit_of(caller).entry("reservation.add", id)));
        TRY(promote_queue(db, now, title, caller.device.tenant_slug));
        return load_reservation(db, id);
    });
}

Result<void> Circulation::cancel_reservation(const Caller& caller, std::string_view reservation_id)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<void> {
        auto row = TRY_DB(db.prepare("SELECT title_id FROM reservations WHERE id = ?1 AND user_id = ?2 "
                                     "AND tenant_id = ?3 AND status IN ('waiting', 'ready')"));
        row.bind(1, reservation_id).bind(2, caller.user.id).bind(3, caller.device.tenant_id);
        if (!TRY_DB(row.step()))
            return fail(ErrorKind::NotFound, "no such open reservation");
        auto title_id = row.text(0);
        row.reset();
        TRY(set_reservation_status(db, reservation_id, "cancelled", now));
        TRY(append_audit(db, now, audit_of(caller).entry("reservation.cancel", std::string(reservation_id))));
        return settle_title(db, now, TRY(load_title(db, caller.device.tenant_id, title_id)), caller.device.tenant_slug);
    });
}

Result<LoanView> Circulation::return_loan(const Caller& caller, std::string_view loan_id)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<LoanView> {
        auto loan = TRY(load_loan(db, caller.device.tenant_id, loan_id));
        if (loan.user_id != caller.user.id)
            return fail(ErrorKind::NotFound, "no such loan");
        if (loan.status != "active")
            return fail(ErrorKind::LoanNotActive, "the loan is " + loan.status);
        return end_loan(db, now, loan, "returned", caller.device.id, audit_of(caller));
    });
}

Result<LoanView> Circulation::renew(
    const Caller& caller, std::string_view loan_id, std::optional<base::Timestamp> requested_end)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<LoanView> {
        auto loan = TRY(load_loan(db, caller.device.tenant_id, loan_id));
        if (loan.user_id != caller.user.id)
            return fail(ErrorKind::NotFound, "no such loan");
        auto title = TRY(load_title(db, caller.device.tenant_id, loan.title_id));
        TRY(settle_title(db, now, title, caller.device.tenant_slug));
        loan = TRY(load_loan(db, caller.device.tenant_id, loan_id));
        if (loan.status != "active")
            return fail(ErrorKind::LoanNotActive, "the loan is " + loan.status);
        auto tenant = TRY(load_tenant(db, caller.device.tenant_id));
        auto end = TRY(renewal_end(db, now, loan, tenant.policy, requested_end));
        auto now_text = base::format_rfc3339(now);
        auto update = TRY_DB(
            db.prepare("UPDATE loans SET end_at = ?1, renewals = renewals + 1, updated_at = ?2 WHERE id = ?3"));
        update.bind(1, base::format_rfc3339(end)).bind(2, now_text).bind(3, loan.id);
        TRY_DB(update.run());
        auto record = TRY_DB(db.prepare("INSERT INTO licence_events (licence_id, type, device_id, timestamp) "
                                        "VALUES (?1, 'renew', ?2, ?3)"));
        record.bind(1, loan.licence_id).bind(2, caller.device.id).bind(3, now_text);
        TRY_DB(record.run());
        auto entry = audit_of(caller).entry("loan.renew", loan.id);
        entry.before = nlohmann::json { { "end", base::format_rfc3339(loan.end) } }.dump();
        entry.after = nlohmann::json { { "end", base::format_rfc3339(end) } }.dump();
        TRY(append_audit(db, now, entry));
        return load_loan(db, caller.device.tenant_id, loan.id);
    });
}

Result<Shelf> Circulation::shelf(const Caller& caller)
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<Shelf> {
        Shelf shelf;
        auto titles = TRY_DB(db.prepare(
            "SELECT DISTINCT title_id FROM loans WHERE user_id = ?1 AND status = 'active' "
            "UNION SELECT title_id FROM reservations WHERE user_id = ?1 AND status IN ('waiting', 'ready')"));
        titles.bind(1, caller.user.id);
        std::vector<std::string> title_ids;
        while (TRY_DB(titles.step()))
            title_ids.push_back(titles.text(0));
        for (const auto& id : title_ids) {
            auto title = TRY(load_title(db, caller.device.tenant_id, id));
            TRY(settle_title(db, now, title, caller.device.tenant_slug));
        }
        auto loans = TRY_DB(
            db.prepare(std::string(loan_select) + "WHERE l.user_id = ?1 AND l.status = 'active' ORDER BY l.end_at"));
        loans.bind(1, caller.user.id);
        while (TRY_DB(loans.step()))
            shelf.loans.push_back(read_loan(loans));
        auto holds
            = TRY_DB(db.prepare("SELECT id FROM reservations WHERE user_id = ?1 AND status IN ('waiting', 'ready') "
                                "ORDER BY created_at"));
        holds.bind(1, caller.user.id);
        std::vector<std::string> hold_ids;
        while (TRY_DB(holds.step()))
            hold_ids.push_back(holds.text(0));
        for (const auto& id : hold_ids)
            shelf.reservations.push_back(TRY(load_reservation(db, id)));
        return shelf;
    });
}

Result<int> Circulation::settle_all()
{
    auto now = m_clock.now();
    return m_store.write([&](storage::Database& db) -> Result<int> {
        auto now_text = base::format_rfc3339(now);
        auto due = TRY_DB(
            db.prepare("SELECT DISTINCT l.title_id, t.tenant_id FROM loans l JOIN titles t ON t.id = l.title_id "
                       "WHERE l.status = 'active' AND l.end_at <= ?1 UNION "
                       "SELECT r.title_id, t.tenant_id FROM reservations r JOIN titles t ON t.id = r.title_id "
                       "WHERE r.status = 'ready' AND r.expires_at <= ?1"));
        due.bind(1, now_text);
        std::vector<std::pair<std::string, int64_t>> titles;
        while (TRY_DB(due.step()))
            titles.emplace_back(due.text(0), due.integer(1));
        for (const auto& [title_id, tenant_id] : titles) {
            auto tenant = TRY(load_tenant(db, tenant_id));
            auto title = TRY(load_title(db, tenant_id, title_id));
            TRY(settle_title(db, now, title, tenant.slug));
        }
        return static_cast<int>(titles.size());
    });
}

}
