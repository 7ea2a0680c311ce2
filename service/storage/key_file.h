#pragma once

// The database key: 256 random bits in a file only its owner can read (0600),
// or a systemd credential (LoadCredential=) named `hondana-db-key`, which wins
// when $CREDENTIALS_DIRECTORY holds it. The file holds 64 hex digits (an
// optional trailing newline) or the 32 raw bytes.

#include <filesystem>

#include "hondana/drm/crypto.h"
#include "storage/error.h"

namespace hondana::storage {

inline constexpr std::string_view database_key_credential = "hondana-db-key";

// Reads a key file. KeyFile when it is missing, has the wrong size or format,
// or is readable or writable by group or others.
[[nodiscard]] Result<drm::SecretBytes> read_key_file(const std::filesystem::path& path);

// Creates a new key file with mode 0600 (never overwrites: KeyFile when it exists).
[[nodiscard]] Result<drm::SecretBytes> create_key_file(const std::filesystem::path& path);

// The systemd credential when present, else `path`.
[[nodiscard]] Result<drm::SecretBytes> load_database_key(const std::filesystem::path& path);

}
