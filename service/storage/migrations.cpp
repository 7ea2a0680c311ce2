#include "storage/migrations.h"

#include <string>

namespace hondana::storage {

namespace {

// Version 1: the whole model of issue 3. Times are RFC 3339 UTC text
// (`YYYY-MM-DDTHH:MM:SSZ`), which sorts and compares as text.
constexpr std::string_view schema_v1 = R"sql(
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    policy TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE TABLE schools (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    school_id INTEGER NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (school_id, name)
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    school_id INTEGER REFERENCES schools(id),
    login_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('student', 'teacher', 'admin')),
    reading_level INTEGER,
    password_hash TEXT,
    totp_secret BLOB,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, login_id)
);
CREATE TABLE class_members (
    class_id INTEGER NOT NULL REFERENCES classes(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (class_id, user_id)
) WITHOUT ROWID;
CREATE INDEX class_members_user ON class_members(user_id);
CREATE TABLE login_throttle (
    tenant_id INTEGER NOT NULL,
    login_id TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, login_id)
) WITHOUT ROWID;
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    school_id INTEGER NOT NULL REFERENCES schools(id),
    label TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('registered', 'enrolled', 'revoked')),
    enrolment_code_hash BLOB,
    public_key BLOB,
    key_pin TEXT,
    certificate_serial TEXT,
    enrolled_at TEXT,
    revoked_at TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE auth_sessions (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    device_id TEXT NOT NULL REFERENCES devices(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT
);
CREATE INDEX auth_sessions_user ON auth_sessions(user_id);
CREATE INDEX auth_sessions_device ON auth_sessions(device_id);
CREATE TABLE access_tokens (
    token_hash BLOB PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES auth_sessions(id),
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX access_tokens_session ON access_tokens(session_id);
CREATE TABLE refresh_tokens (
    token_hash BLOB PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES auth_sessions(id),
    expires_at TEXT NOT NULL,
    spent_at TEXT
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);
CREATE TABLE titles (
    id TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    title TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'ja',
    reading_level INTEGER,
    format TEXT NOT NULL CHECK (format IN ('pdf', 'epub')),
    content_file TEXT NOT NULL,
    content_length INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    content_key BLOB NOT NULL,
    holding TEXT NOT NULL CHECK (holding IN ('copies', 'unlimited', 'class_set')),
    copies INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX titles_tenant ON titles(tenant_id, title);
CREATE TABLE loans (
    id TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    title_id TEXT NOT NULL REFERENCES titles(id),
    licence_id TEXT NOT NULL UNIQUE,
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'returned', 'expired', 'revoked', 'cancelled')),
    licence_status TEXT NOT NULL
        CHECK (licence_status IN ('ready', 'active', 'revoked', 'returned', 'cancelled', 'expired')),
    renewals INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX loans_title_status ON loans(title_id, status);
CREATE INDEX loans_user_status ON loans(user_id, status);
CREATE UNIQUE INDEX loans_one_active ON loans(user_id, title_id) WHERE status = 'active';
CREATE TABLE reservations (
    id TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    title_id TEXT NOT NULL REFERENCES titles(id),
    queued INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'ready', 'fulfilled', 'cancelled', 'expired')),
    ready_at TEXT,
    expires_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX reservations_title ON reservations(title_id, status, queued);
CREATE INDEX reservations_user ON reservations(user_id, status);
CREATE UNIQUE INDEX reservations_one_open ON reservations(user_id, title_id)
    WHERE status IN ('waiting', 'ready');
CREATE TABLE licence_events (
    id INTEGER PRIMARY KEY,
    licence_id TEXT NOT NULL REFERENCES loans(licence_id),
    type TEXT NOT NULL,
    device_id TEXT,
    device_name TEXT,
    timestamp TEXT NOT NULL
);
CREATE INDEX licence_events_licence ON licence_events(licence_id);
CREATE TABLE device_audit (
    device_id TEXT NOT NULL REFERENCES devices(id),
    seq INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    type TEXT NOT NULL,
    time TEXT NOT NULL,
    user TEXT,
    title TEXT,
    detail TEXT,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    tenant TEXT,
    actor TEXT NOT NULL,
    device TEXT,
    action TEXT NOT NULL,
    target TEXT,
    outcome TEXT NOT NULL,
    before_value TEXT,
    after_value TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// Version 2: reading positions kept across a student's devices (lending/positions.h).
constexpr std::string_view schema_v2_positions = R"sql(
CREATE TABLE reading_positions (
    tenant_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    title_id TEXT NOT NULL,
    locator TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (user_id, title_id)
) WITHOUT ROWID;
)sql";

// Version 3: class-wide reading sessions (lending/class_sessions.h) and the
// licences each one handed out (own = 1: the student's own loan, kept at the end).
constexpr std::string_view schema_v3_class_sessions = R"sql(
CREATE TABLE class_sessions (
    id TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    class_id INTEGER NOT NULL REFERENCES classes(id),
    title_id TEXT NOT NULL REFERENCES titles(id),
    created_by INTEGER NOT NULL REFERENCES users(id),
    mode TEXT NOT NULL CHECK (mode IN ('free', 'guided')),
    state TEXT NOT NULL CHECK (state IN ('scheduled', 'live', 'ended')),
    start_page INTEGER NOT NULL,
    current_page INTEGER NOT NULL,
    start_at TEXT,
    started_at TEXT,
    ended_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX class_sessions_class ON class_sessions(class_id, state);
CREATE INDEX class_sessions_state ON class_sessions(state, start_at);
CREATE TABLE class_session_loans (
    session_id TEXT NOT NULL REFERENCES class_sessions(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    loan_id TEXT NOT NULL REFERENCES loans(id),
    own INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;
)sql";

// Settling a title (every borrow, licence fetch and session start) looks for
// its active loans past their end: with the end in the index that is a range
// read, not a visit to every active loan of the title (10,000 at a school's
// morning bell: docs/sessions.md).
constexpr std::string_view schema_v4_loans_by_end = R"sql(
CREATE INDEX loans_title_status_end ON loans(title_id, status, end_at);
)sql";

// A password an admin issued (generated, or marked temporary) must be changed
// at the first sign-in: until then only the account's own routes answer.
constexpr std::string_view schema_v5_must_change_password = R"sql(
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
)sql";

const std::vector<Migration> migrations_list = {
    { 1, "accounts, devices, tokens, catalog, loans, reservations, licences, audit", schema_v1 },
    { 2, "reading positions across devices", schema_v2_positions },
    { 3, "class-wide reading sessions", schema_v3_class_sessions },
    { 4, "active loans of a title by end", schema_v4_loans_by_end },
    { 5, "passwords to change at the first sign-in", schema_v5_must_change_password },
};

}

const std::vector<Migration>& lending_migrations()
{
    return migrations_list;
}

int latest_version(const std::vector<Migration>& migrations)
{
    return migrations.empty() ? 0 : migrations.back().version;
}

Result<int> migrate(Database& db, const std::vector<Migration>& migrations)
{
    auto current = TRY(db.query_integer("PRAGMA user_version"));
    if (current > latest_version(migrations))
        return fail(ErrorKind::Migration,
            "the database is at schema version " + std::to_string(current) + ", newer than this build ("
                + std::to_string(latest_version(migrations)) + "); refusing to touch it");
    for (const auto& migration : migrations) {
        if (migration.version <= current)
            continue;
        auto transaction = TRY(Transaction::begin(db));
        // Another process may have migrated while we waited for the write lock.
        if (TRY(db.query_integer("PRAGMA user_version")) >= migration.version)
            continue;
        auto applied = db.exec(migration.sql);
        if (!applied)
            return fail(ErrorKind::Migration,
                "migration " + std::to_string(migration.version) + " failed: " + applied.error().message);
        TRY(db.exec("PRAGMA user_version = " + std::to_string(migration.version)));
        TRY(transaction.commit());
        current = migration.version;
    }
    return static_cast<int>(current);
}

}
