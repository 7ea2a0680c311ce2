#include "hondana/store/device_store.h"

#include <array>

#include "convert.h"
#include "database.h"
#include "hondana/platform/files.h"

namespace hondana::store {

using detail::Database;

namespace {

constexpr std::array<std::string_view, 1> device_migrations {
    R"sql(
    CREATE TABLE enrolment (id INTEGER PRIMARY KEY CHECK (id = 1), device_id TEXT NOT NULL,
        certificate_pem TEXT NOT NULL, ca_pem TEXT NOT NULL, tenant TEXT NOT NULL, school TEXT NOT NULL,
        enrolled_at TEXT NOT NULL);
    CREATE TABLE clock_ratchet (id INTEGER PRIMARY KEY CHECK (id = 1), server_time TEXT, wall_at_server TEXT NOT NULL,
        monotonic_at_server_ms INTEGER NOT NULL, boot_id TEXT NOT NULL, highest_trusted TEXT NOT NULL,
        last_wall TEXT NOT NULL);
    CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
        type TEXT NOT NULL, time TEXT NOT NULL, user TEXT, title TEXT, detail TEXT NOT NULL,
        uploaded INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE offline_signin (login_id TEXT PRIMARY KEY, failures INTEGER NOT NULL);
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    )sql",
};

base::Timestamp time_or_epoch(const std::string& text)
{
    return base::parse_rfc3339(text).value_or(base::Timestamp {});
}

AuditEvent event_from(const detail::Statement& row)
{
    AuditEvent event;
    event.seq = row.int64(0);
    event.prev_hash = row.text(1);
    event.hash = row.text(2);
    event.type = row.text(3);
    event.time = time_or_epoch(row.text(4));
    event.user = row.optional_text(5);
    event.title = row.optional_text(6);
    event.detail = row.text(7);
    return event;
}

constexpr std::string_view audit_columns = "seq, prev_hash, hash, type, time, user, title, detail";

}

DeviceStore::DeviceStore(std::unique_ptr<Database> db)
    : m_db(std::move(db))
{
}

DeviceStore::~DeviceStore() = default;

Result<std::unique_ptr<DeviceStore>> DeviceStore::open(
    const platform::ReaderPaths& paths, const platform::KeyStore& key_store)
{
    TRY(platform::ensure_private_dir(paths.device_dir()).map_error(detail::from_platform));
    auto key = TRY(key_store.device_secret("hondana-device-db-v1").map_error(detail::from_platform));
    auto db = TRY(Database::open(paths.device_dir() / "device.db", key, device_migrations));
    return std::unique_ptr<DeviceStore>(new DeviceStore(std::move(db))); // raw-new: private constructor
}

Result<void> DeviceStore::save_enrolment(const Enrolment& enrolment)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("INSERT OR REPLACE INTO enrolment VALUES (1, ?, ?, ?, ?, ?, ?);"));
    statement.bind(1, enrolment.device_id).bind(2, enrolment.certificate_pem).bind(3, enrolment.ca_pem);
    statement.bind(4, enrolment.tenant).bind(5, enrolment.school).bind(6, base::format_rfc3339(enrolment.enrolled_at));
    return statement.run();
}

Result<std::optional<Enrolment>> DeviceStore::enrolment()
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare(
        "SELECT device_id, certificate_pem, ca_pem, tenant, school, enrolled_at FROM enrolment WHERE id = 1;"));
    if (!TRY(row.step()))
        return std::optional<Enrolment> {};
    return Enrolment { row.text(0), row.text(1), row.text(2), row.text(3), row.text(4), time_or_epoch(row.text(5)) };
}

Result<platform::ClockRatchet> DeviceStore::clock_ratchet()
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare("SELECT server_time, wall_at_server, monotonic_at_server_ms, boot_id, "
                                 "highest_trusted, last_wall FROM clock_ratchet WHERE id = 1;"));
    platform::ClockRatchet ratchet;
    if (!TRY(row.step()))
        return ratchet;
    if (auto server = row.optional_text(0))
        ratchet.server_time = base::parse_rfc3339(*server);
    ratchet.wall_at_server = time_or_epoch(row.text(1));
    ratchet.monotonic_at_server_ms = row.int64(2);
    ratchet.boot_id = row.text(3);
    ratchet.highest_trusted = time_or_epoch(row.text(4));
    ratchet.last_wall = time_or_epoch(row.text(5));
    return ratchet;
}

Result<void> DeviceStore::save_clock_ratchet(const platform::ClockRatchet& ratchet)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("INSERT OR REPLACE INTO clock_ratchet VALUES (1, ?, ?, ?, ?, ?, ?);"));
    if (ratchet.server_time)
        statement.bind(1, base::format_rfc3339(*ratchet.server_time));
    else
        statement.bind_null(1);
    statement.bind(2, base::format_rfc3339(ratchet.wall_at_server)).bind(3, ratchet.monotonic_at_server_ms);
    statement.bind(4, ratchet.boot_id).bind(5, base::format_rfc3339(ratchet.highest_trusted));
    statement.bind(6, base::format_rfc3339(ratchet.last_wall));
    return statement.run();
}

Result<AuditEvent> DeviceStore::append_audit(std::string_view type, base::Timestamp time,
    std::optional<std::string> user, std::optional<std::string> title, std::string detail)
{
    std::lock_guard lock(m_mutex);
    AuditEvent event { 1, std::string(audit_genesis_hash), {}, std::string(type), time, std::move(user),
        std::move(title), std::move(detail) };
    auto append = [&]() -> Result<void> {
        auto last = TRY(m_db->prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1;"));
        if (TRY(last.step())) {
            event.seq = last.int64(0) + 1;
            event.prev_hash = last.text(1);
        }
        event.hash = audit_event_hash(event);
        auto insert = TRY(m_db->prepare("INSERT INTO audit_events (seq, prev_hash, hash, type, time, user, title, "
                                        "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?);"));
        insert.bind(1, event.seq).bind(2, event.prev_hash).bind(3, event.hash).bind(4, event.type);
        insert.bind(5, base::format_rfc3339(event.time)).bind(6, event.user).bind(7, event.title).bind(8, event.detail);
        return insert.run();
    };
    TRY(m_db->transaction(append));
    return event;
}

Result<std::vector<AuditEvent>> DeviceStore::pending_audit(size_t limit)
{
    std::lock_guard lock(m_mutex);
    auto rows = TRY(m_db->prepare(
        "SELECT " + std::string(audit_columns) + " FROM audit_events WHERE uploaded = 0 ORDER BY seq LIMIT ?;"));
    rows.bind(1, static_cast<int64_t>(limit));
    std::vector<AuditEvent> events;
    while (TRY(rows.step()))
        events.push_back(event_from(rows));
    return events;
}

Result<void> DeviceStore::mark_audit_uploaded(int64_t through_seq)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("UPDATE audit_events SET uploaded = 1 WHERE seq <= ? AND uploaded = 0;"));
    statement.bind(1, through_seq);
    return statement.run();
}

Result<AuditSummary> DeviceStore::audit_summary()
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare("SELECT coalesce(max(seq), 0), coalesce(max(CASE WHEN uploaded = 1 THEN seq END), 0), "
                                 "coalesce(sum(uploaded = 0), 0) FROM audit_events;"));
    (void)TRY(row.step());
    return AuditSummary { row.int64(0), row.int64(1), row.int64(2) };
}

Result<void> DeviceStore::verify_audit_chain()
{
    std::lock_guard lock(m_mutex);
    auto rows = TRY(m_db->prepare("SELECT " + std::string(audit_columns) + " FROM audit_events ORDER BY seq;"));
    std::string previous(audit_genesis_hash);
    int64_t expected_seq = 1;
    while (TRY(rows.step())) {
        auto event = event_from(rows);
        if (event.seq != expected_seq || event.prev_hash != previous || audit_event_hash(event) != event.hash)
            return fail(ErrorKind::AuditChainBroken, "the audit chain breaks at event " + std::to_string(event.seq));
        previous = event.hash;
        ++expected_seq;
    }
    return {};
}

Result<int> DeviceStore::offline_failures(std::string_view login_id)
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare("SELECT failures FROM offline_signin WHERE login_id = ?;"));
    row.bind(1, login_id);
    return TRY(row.step()) ? static_cast<int>(row.int64(0)) : 0;
}

Result<int> DeviceStore::record_offline_failure(std::string_view login_id)
{
    std::lock_guard lock(m_mutex);
    int failures = 0;
    auto count = [&]() -> Result<void> {
        auto row = TRY(m_db->prepare("SELECT failures FROM offline_signin WHERE login_id = ?;"));
        row.bind(1, login_id);
        failures = (TRY(row.step()) ? static_cast<int>(row.int64(0)) : 0) + 1;
        auto write = TRY(m_db->prepare("INSERT OR REPLACE INTO offline_signin VALUES (?, ?);"));
        write.bind(1, login_id).bind(2, static_cast<int64_t>(failures));
        return write.run();
    };
    TRY(m_db->transaction(count));
    return failures;
}

Result<void> DeviceStore::reset_offline_failures(std::string_view login_id)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare("DELETE FROM offline_signin WHERE login_id = ?;"));
    statement.bind(1, login_id);
    return statement.run();
}

Result<std::optional<std::string>> DeviceStore::setting(std::string_view name)
{
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db->prepare("SELECT value FROM settings WHERE name = ?;"));
    row.bind(1, name);
    if (!TRY(row.step()))
        return std::optional<std::string> {};
    return std::optional<std::string>(row.text(0));
}

Result<void> DeviceStore::set_setting(std::string_view name, std::optional<std::string> value)
{
    std::lock_guard lock(m_mutex);
    auto statement = TRY(m_db->prepare(value ? "INSERT OR REPLACE INTO settings VALUES (?, ?);"
                                             : "DELETE FROM settings WHERE name = ?;"));
    statement.bind(1, name);
    if (value)
        statement.bind(2, *value);
    return statement.run();
}

Result<void> DeviceStore::integrity_check()
{
    {
        std::lock_guard lock(m_mutex);
        TRY(m_db->integrity_check());
    }
    return verify_audit_chain();
}

}
