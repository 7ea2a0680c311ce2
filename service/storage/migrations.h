#pragma once

// Versioned schema migrations of the lending database. The schema version is
// SQLite's `PRAGMA user_version`; each migration runs in its own transaction
// and sets the version it reaches, so a crash leaves a whole version or none.

#include <string_view>
#include <vector>

#include "storage/database.h"

namespace hondana::storage {

struct Migration {
    int version;
    std::string_view description;
    std::string_view sql;
};

// Every migration, in order (versions 1, 2, …).
[[nodiscard]] const std::vector<Migration>& lending_migrations();

// Applies the migrations `db` has not seen. Migration when the database is
// newer than this build (it would be unsafe to write to it).
[[nodiscard]] Result<int> migrate(Database& db, const std::vector<Migration>& migrations);

// The version this build's migrations reach.
[[nodiscard]] int latest_version(const std::vector<Migration>& migrations);

}
