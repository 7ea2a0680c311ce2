#include "database.h"

#include <sqlcipher/sqlite3.h>

namespace hondana::store::detail {

namespace {

Error sqlite_error(sqlite3* db, std::string_view what)
{
    int code = sqlite3_extended_errcode(db);
    auto kind = (code & 0xff) == SQLITE_NOTADB ? ErrorKind::WrongKey : ErrorKind::Database;
    return Error { kind, std::string(what) + ": " + sqlite3_errmsg(db) };
}

}

// --- Statement ---

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const
{
    sqlite3_finalize(statement);
}

Statement::Statement(sqlite3* db, sqlite3_stmt* statement)
    : m_db(db)
    , m_statement(statement)
{
}

Statement::~Statement() = default;

Statement& Statement::bind(int index, int64_t value)
{
    if (sqlite3_bind_int64(m_statement.get(), index, value) != SQLITE_OK)
        m_bind_error = sqlite_error(m_db, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text)
{
    if (sqlite3_bind_text(m_statement.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT)
        != SQLITE_OK)
        m_bind_error = sqlite_error(m_db, "bind");
    return *this;
}

Statement& Statement::bind_blob(int index, drm::ByteView bytes)
{
    static const uint8_t empty = 0;
    const void* data = bytes.empty() ? &empty : bytes.data();
    if (sqlite3_bind_blob(m_statement.get(), index, data, static_cast<int>(bytes.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        m_bind_error = sqlite_error(m_db, "bind");
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text)
{
    return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_null(int index)
{
    if (sqlite3_bind_null(m_statement.get(), index) != SQLITE_OK)
        m_bind_error = sqlite_error(m_db, "bind");
    return *this;
}

Result<bool> Statement::step()
{
    if (m_bind_error)
        return tl::make_unexpected(*m_bind_error);
    int rc = sqlite3_step(m_statement.get());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return tl::make_unexpected(sqlite_error(m_db, "step"));
}

Result<void> Statement::run()
{
    while (TRY(step())) { }
    return {};
}

int64_t Statement::int64(int column) const
{
    return sqlite3_column_int64(m_statement.get(), column);
}

std::string Statement::text(int column) const
{
    const auto* data = sqlite3_column_text(m_statement.get(), column);
    int size = sqlite3_column_bytes(m_statement.get(), column);
    return data ? std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(size)) : std::string();
}

std::optional<std::string> Statement::optional_text(int column) const
{
    if (is_null(column))
        return std::nullopt;
    return text(column);
}

drm::Bytes Statement::blob(int column) const
{
    const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(m_statement.get(), column));
    int size = sqlite3_column_bytes(m_statement.get(), column);
    return data ? drm::Bytes(data, data + size) : drm::Bytes();
}

bool Statement::is_null(int column) const
{
    return sqlite3_column_type(m_statement.get(), column) == SQLITE_NULL;
}

// --- Database ---

void Database::Closer::operator()(sqlite3* db) const
{
    sqlite3_close_v2(db);
}

Database::Database(sqlite3* db)
    : m_db(db)
{
}

Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::open(
    const std::filesystem::path& path, const drm::SecretBytes& key, Migrations migrations)
{
    if (key.size() != 32)
        return fail(ErrorKind::InvalidArgument, "a store key is 32 bytes");
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    auto db = std::unique_ptr<Database>(new Database(raw)); // raw-new: private constructor
    if (rc != SQLITE_OK)
        return fail(ErrorKind::Database, "cannot open " + path.string() + ": " + sqlite3_errstr(rc));
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
    TRY(db->apply_key(key));
    if (db->cipher_version().empty())
        return fail(ErrorKind::NotEncrypted, "the SQLite library has no SQLCipher codec; refusing to store data in clear");
    // The first read proves the key: a wrong key reads as "not a database".
    auto probe = db->exec("SELECT count(*) FROM sqlite_master;");
    if (!probe)
        return fail(ErrorKind::WrongKey, path.string() + " does not open with this key (wrong key or altered file)");
    TRY(db->exec("PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON;"));
    TRY(db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"));
    TRY(db->migrate(migrations));
    return db;
}

Result<void> Database::apply_key(const drm::SecretBytes& key)
{
    // PRAGMA key = "x'<64 hex>'": a raw key, so SQLCipher runs no KDF of its own.
    std::string hex = drm::hex_encode(key.view());
    std::string sql = "PRAGMA key = \"x'" + hex + "'\";";
    auto result = exec(sql);
    std::fill(hex.begin(), hex.end(), '\0');
    std::fill(sql.begin(), sql.end(), '\0');
    return result;
}

std::string Database::cipher_version()
{
    auto statement = prepare("PRAGMA cipher_version;");
    if (!statement || !statement->step().value_or(false))
        return {};
    return statement->text(0);
}

int Database::schema_version()
{
    auto statement = prepare("PRAGMA user_version;");
    if (!statement || !statement->step().value_or(false))
        return -1;
    return static_cast<int>(statement->int64(0));
}

Result<void> Database::exec(std::string_view sql)
{
    std::string text(sql);
    char* message = nullptr;
    int rc = sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, &message);
    std::fill(text.begin(), text.end(), '\0');
    if (rc != SQLITE_OK) {
        std::string detail = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        auto kind = (rc & 0xff) == SQLITE_NOTADB ? ErrorKind::WrongKey : ErrorKind::Database;
        return fail(kind, "SQL failed: " + detail);
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql)
{
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()), &statement, nullptr) != SQLITE_OK)
        return tl::make_unexpected(sqlite_error(m_db.get(), "prepare"));
    return Statement(m_db.get(), statement);
}

Result<void> Database::transaction(const std::function<Result<void>()>& body)
{
    TRY(exec("BEGIN IMMEDIATE;"));
    auto result = body();
    if (!result) {
        (void)exec("ROLLBACK;");
        return result;
    }
    auto committed = exec("COMMIT;");
    if (!committed)
        (void)exec("ROLLBACK;");
    return committed;
}

int Database::changes() const
{
    return sqlite3_changes(m_db.get());
}

Result<void> Database::integrity_check()
{
    auto statement = TRY(prepare("PRAGMA integrity_check;"));
    std::string report;
    while (TRY(statement.step()))
        report += statement.text(0) + " ";
    if (report != "ok ")
        return fail(ErrorKind::Database, "integrity check failed: " + report);
    return {};
}

Result<void> Database::migrate(Migrations migrations)
{
    int version = schema_version();
    if (version < 0)
        return fail(ErrorKind::Database, "cannot read the schema version");
    if (static_cast<size_t>(version) > migrations.size())
        return fail(ErrorKind::SchemaTooNew, "the store has schema version " + std::to_string(version)
                + " but this reader knows only up to " + std::to_string(migrations.size()));
    for (size_t next = static_cast<size_t>(version); next < migrations.size(); ++next) {
        auto step = [&]() -> Result<void> {
            TRY(exec(migrations[next]));
            return exec("PRAGMA user_version = " + std::to_string(next + 1) + ";");
        };
        TRY(transaction(step));
    }
    return {};
}

}
