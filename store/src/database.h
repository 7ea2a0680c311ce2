#pragma once

// The one SQLCipher wrapper of the reader (RAII for sqlite3 and
// sqlite3_stmt). A database is keyed with a raw 256-bit key (no SQLCipher
// KDF), must report a cipher_version (so a plain SQLite library is refused),
// and runs with secure_delete, WAL + synchronous=FULL (a kill -9 or power loss
// leaves the last committed state) and temporary tables in memory.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hondana/drm/crypto.h"
#include "hondana/store/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hondana::store::detail {

class Statement {
public:
    Statement(Statement&&) noexcept = default;
    Statement& operator=(Statement&&) noexcept = default;
    ~Statement();

    Statement& bind(int index, int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind_blob(int index, drm::ByteView bytes);
    Statement& bind(int index, const std::optional<std::string>& text);
    Statement& bind_null(int index);

    // One step: true when a row is ready, false when done.
    [[nodiscard]] Result<bool> step();
    // Steps to the end (for statements without rows).
    [[nodiscard]] Result<void> run();

    [[nodiscard]] int64_t int64(int column) const;
    [[nodiscard]] std::string text(int column) const;
    [[nodiscard]] std::optional<std::string> optional_text(int column) const;
    [[nodiscard]] drm::Bytes blob(int column) const;
    [[nodiscard]] bool is_null(int column) const;

private:
    friend class Database;
    Statement(sqlite3* db, sqlite3_stmt* statement);
    struct Finalizer {
        void operator()(sqlite3_stmt* statement) const;
    };
    sqlite3* m_db;
    std::unique_ptr<sqlite3_stmt, Finalizer> m_statement;
    std::optional<Error> m_bind_error;
};

// A migration: the SQL that takes the schema from version `index` to `index + 1`.
using Migrations = std::span<const std::string_view>;

class Database {
public:
    // Opens (creating when missing) and keys the database, checks the codec
    // and the key, and applies `migrations`. NotEncrypted, WrongKey,
    // SchemaTooNew, Database.
    [[nodiscard]] static Result<std::unique_ptr<Database>> open(
        const std::filesystem::path& path, const drm::SecretBytes& key, Migrations migrations);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    [[nodiscard]] Result<void> exec(std::string_view sql);
    [[nodiscard]] Result<Statement> prepare(std::string_view sql);
    // Runs `body` in BEGIN IMMEDIATE … COMMIT; rolls back when it fails.
    [[nodiscard]] Result<void> transaction(const std::function<Result<void>()>& body);
    [[nodiscard]] int changes() const;
    [[nodiscard]] std::string cipher_version();
    [[nodiscard]] int schema_version();
    // PRAGMA integrity_check (and cipher_integrity_check is not in 3.4.1).
    [[nodiscard]] Result<void> integrity_check();

private:
    explicit Database(sqlite3* db);
    [[nodiscard]] Result<void> apply_key(const drm::SecretBytes& key);
    [[nodiscard]] Result<void> migrate(Migrations migrations);
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    std::unique_ptr<sqlite3, Closer> m_db;
};

}
