#pragma once

// The one wrapper of SQLCipher in the service: an encrypted database handle,
// prepared statements and transactions, all RAII. Not thread-safe: one
// Database is used by one thread at a time (the lending layer holds a mutex).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/drm/crypto.h"
#include "storage/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hondana::storage {

struct StatementCache;

// A prepared statement. Binding errors are remembered and reported by the
// next step(), so call sites can chain binds.
class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, drm::ByteView blob);
    Statement& bind_null(int index);
    template<typename T> Statement& bind(int index, const std::optional<T>& value)
    {
        return value ? bind(index, *value) : bind_null(index);
    }

    // Advances: true when a row is available, false when done.
    [[nodiscard]] Result<bool> step();
    // Steps to completion (for statements that return no rows).
    [[nodiscard]] Result<void> run();
    // Rewinds for reuse and clears bindings.
    void reset();

    [[nodiscard]] bool is_null(int column) const;
    [[nodiscard]] int64_t integer(int column) const;
    [[nodiscard]] std::optional<int64_t> optional_integer(int column) const;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::optional<std::string> optional_text(int column) const;
    [[nodiscard]] drm::Bytes blob(int column) const;

private:
    friend class Database;
    Statement(sqlite3_stmt* statement, sqlite3* db, StatementCache* cache);
    void release();
    sqlite3_stmt* m_statement { nullptr };
    sqlite3* m_db { nullptr };
    StatementCache* m_cache { nullptr }; // where the statement goes back to, reset, when done
    std::optional<Error> m_bind_error;
};

enum class Durability {
    Normal, // WAL + synchronous=NORMAL: a committed transaction survives a process crash (kill -9)
    Full,   // WAL + synchronous=FULL: it also survives power loss
};

struct OpenOptions {
    Durability durability { Durability::Full };
    int busy_timeout_ms { 5000 };
};

// An open, keyed SQLCipher database in WAL mode with foreign keys on.
class Database {
public:
    // Opens (creating when absent) `path` keyed with a raw 256-bit key.
    // WrongKey when the key does not open an existing file; NoCipher when the
    // linked library is plain SQLite.
    [[nodiscard]] static Result<Database> open(
        const std::filesystem::path& path, drm::ByteView key, const OpenOptions& options = {});

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // Runs one or more statements that return no rows.
    [[nodiscard]] Result<void> exec(std::string_view sql);
    // Prepared statements are kept after use (reset, bindings cleared) and
    // handed out again for the same SQL text, so hot queries are compiled once.
    // Statements must not outlive the Database.
    [[nodiscard]] Result<Statement> prepare(std::string_view sql);
    // A single integer from a one-row query (for PRAGMAs and counts).
    [[nodiscard]] Result<int64_t> query_integer(std::string_view sql);
    [[nodiscard]] Result<std::string> query_text(std::string_view sql);

    [[nodiscard]] int64_t last_insert_rowid() const;
    [[nodiscard]] int changes() const;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] sqlite3* native() const { return m_db; }

private:
    Database(sqlite3* db, std::filesystem::path path);
    void close();
    sqlite3* m_db { nullptr };
    std::filesystem::path m_path;
    std::unique_ptr<StatementCache> m_cache;
};

enum class TransactionKind {
    Deferred,  // BEGIN: for reads
    Immediate, // BEGIN IMMEDIATE: takes the write lock at once (no upgrade deadlocks)
};

// A transaction that rolls back unless commit() succeeded.
class Transaction {
public:
    [[nodiscard]] static Result<Transaction> begin(Database& db, TransactionKind kind = TransactionKind::Immediate);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    [[nodiscard]] Result<void> commit();

private:
    explicit Transaction(Database* db);
    Database* m_db { nullptr };
};

// Maps an SQLite result code to our kind, with SQLite's message.
[[nodiscard]] Error sqlite_error(sqlite3* db, int code, std::string_view what);

}
