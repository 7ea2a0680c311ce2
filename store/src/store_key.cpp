#include "store_key.h"

#include <nlohmann/json.hpp>

#include "convert.h"
#include "hondana/platform/files.h"

namespace hondana::store::detail {

namespace {

constexpr uint32_t min_iterations = 1000;
constexpr uint32_t max_iterations = 10000000;

std::string labelled(std::string_view label, std::string_view login_id)
{
    return std::string(label) + ":" + std::string(login_id);
}

Result<drm::SecretBytes> derive_kek(const platform::KeyStore& key_store, std::string_view login_id,
    std::string_view password, drm::ByteView salt, uint32_t iterations)
{
    auto from_password = TRY(drm::pbkdf2_sha256(password, salt, iterations, 32).map_error(from_drm));
    auto from_device
        = TRY(key_store.device_secret(labelled("hondana-store-v1", login_id)).map_error(from_platform));
    return drm::hkdf_sha256(from_password.view(), from_device.view(),
        drm::as_bytes(labelled("hondana-store-kek-v1", login_id)), 32)
        .map_error(from_drm);
}

}

Result<void> wrap_store_key(const std::filesystem::path& path, const platform::KeyStore& key_store,
    std::string_view login_id, std::string_view password, const StoreKdf& kdf, const drm::SecretBytes& db_key)
{
    if (kdf.iterations < min_iterations || kdf.iterations > max_iterations)
        return fail(ErrorKind::InvalidArgument, "PBKDF2 iterations out of range");
    drm::Bytes salt(16);
    TRY(drm::random_bytes(salt).map_error(from_drm));
    auto kek = TRY(derive_kek(key_store, login_id, password, salt, kdf.iterations));
    auto aad = labelled("hondana-store-key-v1", login_id);
    auto wrapped = TRY(drm::aes256_gcm_seal(kek.view(), db_key.view(), drm::as_bytes(aad)).map_error(from_drm));
    nlohmann::json file = { { "version", 1 }, { "login_id", std::string(login_id) }, { "kdf", "pbkdf2-sha256" },
        { "iterations", kdf.iterations }, { "salt", drm::base64_encode(salt) },
        { "wrap", "aes-256-gcm" }, { "wrapped_key", drm::base64_encode(wrapped) } };
    return platform::write_file_atomic(path, drm::as_bytes(file.dump()), 0600).map_error(from_platform);
}

Result<drm::SecretBytes> create_store_key(const std::filesystem::path& path, const platform::KeyStore& key_store,
    std::string_view login_id, std::string_view password, const StoreKdf& kdf)
{
    auto db_key = TRY(drm::random_secret(32).map_error(from_drm));
    TRY(wrap_store_key(path, key_store, login_id, password, kdf, db_key));
    return db_key;
}

Result<drm::SecretBytes> unwrap_store_key(const std::filesystem::path& path, const platform::KeyStore& key_store,
    std::string_view login_id, std::string_view password)
{
    auto text = TRY(platform::read_text_file(path, 16 * 1024).map_error(from_platform));
    auto file = nlohmann::json::parse(text, nullptr, false);
    auto malformed = [&] { return fail(ErrorKind::Io, path.string() + " is malformed"); };
    if (!file.is_object() || file.value("version", 0) != 1 || file.value("kdf", "") != "pbkdf2-sha256"
        || !file.contains("iterations") || !file["iterations"].is_number_unsigned() || !file.contains("salt")
        || !file["salt"].is_string() || !file.contains("wrapped_key") || !file["wrapped_key"].is_string())
        return malformed();
    auto iterations = file["iterations"].get<uint64_t>();
    auto salt = drm::base64_decode(file["salt"].get<std::string>());
    auto wrapped = drm::base64_decode(file["wrapped_key"].get<std::string>());
    if (iterations < min_iterations || iterations > max_iterations || !salt || !wrapped)
        return malformed();
    auto kek = TRY(derive_kek(key_store, login_id, password, *salt, static_cast<uint32_t>(iterations)));
    auto aad = labelled("hondana-store-key-v1", login_id);
    auto db_key = drm::aes256_gcm_open(kek.view(), *wrapped, drm::as_bytes(aad));
    if (!db_key)
        return fail(ErrorKind::WrongPassword, "the password does not open this user's store on this device");
    return std::move(*db_key);
}

std::filesystem::path key_path(const std::filesystem::path& dir)
{
    return dir / "store.key";
}

std::filesystem::path next_key_path(const std::filesystem::path& dir)
{
    return dir / "store.key.next";
}

Result<UnwrappedKey> unwrap_user_key(const std::filesystem::path& dir, const platform::KeyStore& key_store,
    std::string_view login_id, std::string_view password)
{
    auto current = unwrap_store_key(key_path(dir), key_store, login_id, password);
    std::error_code error;
    if (current)
        return UnwrappedKey { std::move(*current), KeyFile::Current };
    if (current.error().kind != ErrorKind::WrongPassword || !std::filesystem::exists(next_key_path(dir), error))
        return tl::make_unexpected(current.error());
    auto next = unwrap_store_key(next_key_path(dir), key_store, login_id, password);
    if (!next)
        return tl::make_unexpected(current.error());
    return UnwrappedKey { std::move(*next), KeyFile::Next };
}

Result<void> settle_key_files(const std::filesystem::path& dir, KeyFile file)
{
    std::error_code error;
    if (!std::filesystem::exists(next_key_path(dir), error))
        return {};
    if (file == KeyFile::Current)
        return platform::overwrite_and_remove(next_key_path(dir)).map_error(from_platform);
    std::filesystem::rename(next_key_path(dir), key_path(dir), error);
    if (error)
        return fail(ErrorKind::Io, "cannot replace " + key_path(dir).string() + ": " + error.message());
    return platform::sync_directory(dir).map_error(from_platform);
}

}
