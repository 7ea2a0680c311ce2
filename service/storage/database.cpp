#include "storage/database.h"

#include <sqlite3.h>

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hondana::storage {

// Finalized with the database; at most a few spare statements per SQL text.
struct StatementCache {
    static constexpr size_t spares_per_sql = 4;
    std::unordered_map<std::string, std::vector<sqlite3_stmt*>> spares;

    ~StatementCache()
    {
        for (auto& [sql, statements] : spares)
            for (auto* statement : statements)
                sqlite3_finalize(statement);
    }
};

Error sqlite_error(sqlite3* db, int code, std::string_view what)
{
    std::string message(what);
    message += ": ";
    message += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
        return Error { ErrorKind::Constraint, message };
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return Error { ErrorKind::Busy, message };
    case SQLITE_NOTADB:
        return Error { ErrorKind::WrongKey, message };
    default:
        return Error { ErrorKind::Sql, message };
    }
}

// --- Statement -----------------------------------------------------------

Statement::Statement(sqlite3_stmt* statement, sqlite3* db, StatementCache* cache)
    : m_statement(statement)
    , m_db(db)
    , m_cache(cache)
{
}

Statement::Statement(Statement&& other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr))
    , m_db(other.m_db)
    , m_cache(other.m_cache)
    , m_bind_error(std::move(other.m_bind_error))
{
}

Statement& Statement::operator=(Statement&& other) noexcept
{
    if (this != &other) {
        release();
        m_statement = std::exchange(other.m_statement, nullptr);
        m_db = other.m_db;
        m_cache = other.m_cache;
        m_bind_error = std::move(other.m_bind_error);
    }
    return *this;
}

Statement::~Statement()
{
    release();
}

void Statement::release()
{
    if (!m_statement)
        return;
    auto* statement = std::exchange(m_statement, nullptr);
    if (m_cache) {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
        auto& spares = m_cache->spares[sqlite3_sql(statement)];
        if (spares.size() < StatementCache::spares_per_sql) {
            spares.push_back(statement);
            return;
        }
    }
    sqlite3_finalize(statement);
}

namespace {

void remember(std::optional<Error>& slot, sqlite3* db, int code, int index)
{
    if (code != SQLITE_OK && !slot)
        slot = sqlite_error(db, code, "binding parameter " + std::to_string(index));
}

}

Statement& Statement::bind(int index, int64_t value)
{
    remember(m_bind_error, m_db, sqlite3_bind_int64(m_statement, index, value), index);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text)
{
    remember(m_bind_error, m_db,
        sqlite3_bind_text64(m_statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
    return *this;
}

Statement& Statement::bind(int index, drm::ByteView blob)
{
    // An empty blob would bind as NULL with a null pointer; bind a zero-length blob instead.
    static const uint8_t empty = 0;
    const void* data = blob.empty() ? &empty : blob.data();
    remember(m_bind_error, m_db, sqlite3_bind_blob64(m_statement, index, data, blob.size(), SQLITE_TRANSIENT), index);
    return *this;
}

Statement& Statement::bind_null(int index)
{
    remember(m_bind_error, m_db, sqlite3_bind_null(m_statement, index), index);
    return *this;
}

Result<bool> Statement::step()
{
    if (m_bind_error)
        return tl::make_unexpected(*m_bind_error);
    int code = sqlite3_step(m_statement);
    if (code == SQLITE_ROW)
        return true;
    if (code == SQLITE_DONE)
        return false;
    return tl::make_unexpected(sqlite_error(m_db, code, sqlite3_sql(m_statement)));
}

Result<void> Statement::run()
{
    while (TRY(step())) { }
    return {};
}

void Statement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    m_bind_error.reset();
}

bool Statement::is_null(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

int64_t Statement::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

std::optional<int64_t> Statement::optional_integer(int column) const
{
    if (is_null(column))
        return std::nullopt;
    return integer(column);
}

std::string Statement::text(int column) const
{
    auto* data = sqlite3_column_text(m_statement, column);
    int size = sqlite3_column_bytes(m_statement, column);
    if (!data)
        return {};
    return std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
}

std::optional<std::string> Statement::optional_text(int column) const
{
    if (is_null(column))
        return std::nullopt;
    return text(column);
}

drm::Bytes Statement::blob(int column) const
{
    auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(m_statement, column));
    int size = sqlite3_column_bytes(m_statement, column);
    if (!data || size <= 0)
        return {};
    return drm::Bytes(data, data + size);
}

// --- Database ------------------------------------------------------------

Database::Database(sqlite3* db, std::filesystem::path path)
    : m_db(db)
    , m_path(std::move(path))
    , m_cache(std::make_unique<StatementCache>())
{
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_path(std::move(other.m_path))
    , m_cache(std::move(other.m_cache))
{
}

Database& Database::operator=(Database&& other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_cache = std::move(other.m_cache);
    }
    return *this;
}

Database::~Database()
{
    close();
}

void Database::close()
{
    m_cache.reset(); // finalizes the spare statements first
    sqlite3_close_v2(m_db);
    m_db = nullptr;
}

namespace {

// `PRAGMA key = "x'<64 hex>'";` in wiped memory, NUL-terminated.
Result<drm::SecretBytes> key_pragma(drm::ByteView key)
{
    if (key.size() != 32)
        return fail(ErrorKind::KeyFile, "the database key must be 256 bits");
    static constexpr std::string_view prefix = "PRAGMA key = \"x'";
    static constexpr std::string_view suffix = "'\";";
    static constexpr char digits[] = "0123456789abcdef";
    drm::SecretBytes text(prefix.size() + key.size() * 2 + suffix.size() + 1);
    size_t at = 0;
    for (char c : prefix)
        text.data()[at++] = static_cast<uint8_t>(c);
    for (uint8_t b : key) {
        text.data()[at++] = static_cast<uint8_t>(digits[b >> 4]);
        text.data()[at++] = static_cast<uint8_t>(digits[b & 0xf]);
    }
    for (char c : suffix)
        text.data()[at++] = static_cast<uint8_t>(c);
    text.data()[at] = 0;
    return text;
}

}

Result<Database> Database::open(const std::filesystem::path& path, drm::ByteView key, const OpenOptions& options)
{
    sqlite3* raw = nullptr;
    int code = sqlite3_open_v2(
        path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    Database db(raw, path);
    if (code != SQLITE_OK)
        return fail(ErrorKind::Open, "cannot open " + path.string() + ": " + sqlite3_errstr(code));
    sqlite3_extended_result_codes(raw, 1);

    auto pragma = TRY(key_pragma(key));
    code = sqlite3_exec(raw, reinterpret_cast<const char*>(pragma.data()), nullptr, nullptr, nullptr);
    if (code != SQLITE_OK)
        return tl::make_unexpected(sqlite_error(raw, code, "setting the database key"));
    auto version = db.query_text("PRAGMA cipher_version");
    if (!version || version->empty())
        return fail(ErrorKind::NoCipher, "the SQLite library is not SQLCipher (PRAGMA cipher_version is empty)");
    // The first read decrypts page 1: a wrong key shows here.
    if (auto probe = db.query_integer("SELECT count(*) FROM sqlite_master"); !probe)
        return fail(ErrorKind::WrongKey, "the key does not open " + path.string() + " (" + probe.error().message + ")");

    sqlite3_busy_timeout(raw, options.busy_timeout_ms);
    auto mode = TRY(db.query_text("PRAGMA journal_mode = WAL"));
    if (mode != "wal")
        return fail(ErrorKind::Open, "cannot switch " + path.string() + " to WAL (journal_mode " + mode + ")");
    TRY(db.exec(options.durability == Durability::Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
    TRY(db.exec("PRAGMA foreign_keys = ON"));
    return db;
}

Result<void> Database::exec(std::string_view sql)
{
    std::string text(sql);
    int code = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr);
    if (code != SQLITE_OK)
        return tl::make_unexpected(sqlite_error(m_db, code, "executing SQL"));
    return {};
}

Result<Statement> Database::prepare(std::string_view sql)
{
    if (m_cache) {
        auto found = m_cache->spares.find(std::string(sql));
        if (found != m_cache->spares.end() && !found->second.empty()) {
            auto* spare = found->second.back();
            found->second.pop_back();
            return Statement(spare, m_db, m_cache.get());
        }
    }
    sqlite3_stmt* raw = nullptr;
    int code = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
    if (code != SQLITE_OK)
        return tl::make_unexpected(sqlite_error(m_db, code, "preparing SQL"));
    return Statement(raw, m_db, m_cache.get());
}

Result<int64_t> Database::query_integer(std::string_view sql)
{
    auto statement = TRY(prepare(sql));
    if (!TRY(statement.step()))
        return fail(ErrorKind::Sql, "query returned no row: " + std::string(sql));
    return statement.integer(0);
}

Result<std::string> Database::query_text(std::string_view sql)
{
    auto statement = TRY(prepare(sql));
    if (!TRY(statement.step()))
        return std::string();
    return statement.text(0);
}

int64_t Database::last_insert_rowid() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

// --- Transaction ---------------------------------------------------------

Transaction::Transaction(Database* db)
    : m_db(db)
{
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
{
}

Result<Transaction> Transaction::begin(Database& db, TransactionKind kind)
{
    TRY(db.exec(kind == TransactionKind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN"));
    return Transaction(&db);
}

Result<void> Transaction::commit()
{
    if (!m_db)
        return fail(ErrorKind::Sql, "transaction already finished");
    TRY(m_db->exec("COMMIT"));
    m_db = nullptr;
    return {};
}

Transaction::~Transaction()
{
    if (m_db)
        (void)m_db->exec("ROLLBACK");
}

}
