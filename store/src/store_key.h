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

// Unwraps the database key; WrongPassword when the password (or the device) is not the one it was made with.
[[nodiscard]] Result<drm::SecretBytes> unwrap_store_key(const std::filesystem::path& path,
    const platform::KeyStore& key_store, std::string_view login_id, std::string_view password);

}
