#pragma once

// The lending database: one SQLCipher connection behind a mutex, used through
// transactions. A body returning an error rolls everything back, so a rule
// that must record a refusal (a failed login counts, a reused refresh token
// revokes its family) returns a value describing the refusal and turns it
// into an error after the commit.

#include <filesystem>
#include <memory>
#include <mutex>
#include <type_traits>

#include "lending/error.h"
#include "storage/database.h"

namespace hondana::lending {

class Store {
public:
    // Opens and migrates the database.
    [[nodiscard]] static Result<std::unique_ptr<Store>> open(
        const std::filesystem::path& path, drm::ByteView key, const storage::OpenOptions& options = {});

    // Runs `body(db)` in a write transaction (BEGIN IMMEDIATE); commits when
    // it succeeds, rolls back when it fails.
    template<typename F> auto write(F&& body) -> std::invoke_result_t<F&, storage::Database&>
    {
        return run(storage::TransactionKind::Immediate, body);
    }

    // Runs `body(db)` in a read transaction (a consistent snapshot).
    template<typename F> auto read(F&& body) -> std::invoke_result_t<F&, storage::Database&>
    {
        return run(storage::TransactionKind::Deferred, body);
    }

    // True when the database answers a query (for /readyz).
    [[nodiscard]] bool healthy();

    explicit Store(storage::Database db);

private:
    template<typename F>
    auto run(storage::TransactionKind kind, F& body) -> std::invoke_result_t<F&, storage::Database&>
    {
        std::lock_guard lock(m_mutex);
        auto transaction = storage::Transaction::begin(m_db, kind);
        if (!transaction)
            return tl::make_unexpected(from_storage(transaction.error()));
        auto result = body(m_db);
        if (!result)
            return result;
        if (auto committed = transaction->commit(); !committed)
            return tl::make_unexpected(from_storage(committed.error()));
        return result;
    }

    std::mutex m_mutex;
    storage::Database m_db;
};

}
