#pragma once

// Consistent, encrypted copies of a live database (backup and restore,
// REQ DATA-2/3). The copy is made by SQLCipher's sqlcipher_export into an
// attached database keyed with another key, inside one read transaction: in
// WAL mode that transaction sees one snapshot however many writers commit
// meanwhile, so the copy is what the database held at one instant.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "hondana/drm/crypto.h"
#include "storage/database.h"

namespace hondana::storage {

// Writes a snapshot of `source` to the new file `destination`, encrypted
// with the raw 256-bit `key`, schema version (user_version) included.
// The file is mode 0600 (only its owner reads it, whatever the umask).
// Open when `destination` exists; the partial file is removed on failure.
[[nodiscard]] Result<void> export_snapshot(Database& source, const std::filesystem::path& destination, drm::ByteView key);

// Rows in every table of the schema (sqlite_* tables left out).
[[nodiscard]] Result<std::map<std::string, int64_t>> count_rows(Database& db);

// PRAGMA integrity_check and foreign_key_check; Sql naming the first problem.
[[nodiscard]] Result<void> check_integrity(Database& db);

}
