#pragma once

// store.key: a user store's database key, wrapped under a key derived from
// the user's password and the device (see user_store.h for the formula).

#include <filesystem>
#include <string_view>

#include "hondana/drm/crypto.h"
#include "hondana/platform/key_store.h"
#include "hondana/store/error.h"
#include "hondana/store/user_store.h"

namespace hondana::store::detail {

// Makes a new random database key and writes it wrapped to `path` (atomically, 0600).
[[nodiscard]] Result<drm::SecretBytes> create_store_key(const std::filesystem::path& path,
    const platform::KeyStore& key_store, std::string_view login_id, std::string_view password, const StoreKdf& kdf);

// Wraps an existing database key under `password` into `path` (atomically, 0600).
[[nodiscard]] Result<void> wrap_store_key(const std::filesystem::path& path, const platform::KeyStore& key_store,
    std::string_view login_id, std::string_view password, const StoreKdf& kdf, const drm::SecretBytes& db_key);

// Unwraps the database key; WrongPassword when the password (or the device) is not the one it was made with.
[[nodiscard]] Result<drm::SecretBytes> unwrap_store_key(const std::filesystem::path& path,
    const platform::KeyStore& key_store, std::string_view login_id, std::string_view password);

// A user store's key files: store.key, and store.key.next while a password
// change is in progress (user_store.h).
[[nodiscard]] std::filesystem::path key_path(const std::filesystem::path& dir);
[[nodiscard]] std::filesystem::path next_key_path(const std::filesystem::path& dir);

enum class KeyFile { Current, Next };
struct UnwrappedKey {
    drm::SecretBytes key;
    KeyFile file { KeyFile::Current };
};

// Unwraps with store.key, else with store.key.next when it exists;
// WrongPassword when neither opens with `password`.
[[nodiscard]] Result<UnwrappedKey> unwrap_user_key(const std::filesystem::path& dir,
    const platform::KeyStore& key_store, std::string_view login_id, std::string_view password);

// After the service accepted the password that opened `file`: that file
// becomes store.key (an atomic rename) and the other one goes.
[[nodiscard]] Result<void> settle_key_files(const std::filesystem::path& dir, KeyFile file);

}
