#include "hondana/platform/key_store.h"

#include "hondana/platform/files.h"

namespace hondana::platform {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view sealed_aad = "hondana-device-key-v1";
constexpr uint64_t max_key_file = 16 * 1024;

Error crypto_error(const drm::Error& error)
{
    return Error { ErrorKind::Crypto, std::string(drm::error_code(error.kind)) + ": " + error.message };
}

}

FileKeyStore::FileKeyStore(fs::path dir, fs::path machine_id)
    : m_dir(std::move(dir))
    , m_machine_id(std::move(machine_id))
{
}

Result<std::unique_ptr<FileKeyStore>> FileKeyStore::open(const fs::path& dir, const fs::path& machine_id)
{
    TRY(ensure_private_dir(dir));
    return std::unique_ptr<FileKeyStore>(new FileKeyStore(dir, machine_id)); // raw-new: private constructor
}

bool FileKeyStore::has_device_key() const
{
    std::error_code error;
    return fs::exists(sealed_key_path(), error);
}

Result<drm::SecretBytes> FileKeyStore::sealing_key(bool create) const
{
    auto secret = read_file(machine_secret_path(), max_key_file);
    if (!secret) {
        if (!create)
            return fail(ErrorKind::KeyStoreCorrupt, "the machine secret " + machine_secret_path().string() + " is missing");
        auto fresh = TRY(drm::random_secret(32).map_error(crypto_error));
        TRY(write_file_atomic(machine_secret_path(), fresh.view(), 0600));
        secret = drm::Bytes(fresh.view().begin(), fresh.view().end());
    }
    drm::SecretBytes ikm(*secret);
    std::fill(secret->begin(), secret->end(), 0);
    auto machine_id = read_file(m_machine_id, 4096).value_or(drm::Bytes {});
    return drm::hkdf_sha256(ikm.view(), machine_id, drm::as_bytes("hondana-file-key-store-v1"), 32)
        .map_error(crypto_error);
}

Result<drm::PublicKey> FileKeyStore::create_device_key()
{
    if (has_device_key())
        return fail(ErrorKind::InvalidArgument, "a device key already exists in " + m_dir.string());
    auto key = TRY(drm::PrivateKey::generate_p256().map_error(crypto_error));
    auto der = TRY(key.pkcs8_der().map_error(crypto_error));
    auto kek = TRY(sealing_key(true));
    auto sealed = TRY(drm::aes256_gcm_seal(kek.view(), der.view(), drm::as_bytes(sealed_aad)).map_error(crypto_error));
    TRY(write_file_atomic(sealed_key_path(), sealed, 0600));
    return key.public_key();
}

Result<drm::PrivateKey> FileKeyStore::device_key() const
{
    if (!has_device_key())
        return fail(ErrorKind::NotEnrolled, "no device key in " + m_dir.string() + " (run hondana-cli enrol)");
    auto sealed = TRY(read_file(sealed_key_path(), max_key_file));
    auto kek = TRY(sealing_key(false));
    auto der = drm::aes256_gcm_open(kek.view(), sealed, drm::as_bytes(sealed_aad));
    if (!der)
        return fail(ErrorKind::KeyStoreCorrupt,
            "the sealed device key does not open (altered, or copied from another machine)");
    return drm::PrivateKey::from_pkcs8_der(der->view()).map_error([](const drm::Error& error) {
        return Error { ErrorKind::KeyStoreCorrupt, "the device key does not parse: " + error.message };
    });
}

Result<drm::SecretBytes> FileKeyStore::device_secret(std::string_view purpose) const
{
    auto key = TRY(device_key());
    auto der = TRY(key.pkcs8_der().map_error(crypto_error));
    return drm::hkdf_sha256(der.view(), drm::as_bytes("hondana-device-secret-v1"), drm::as_bytes(purpose), 32)
        .map_error(crypto_error);
}

Result<void> FileKeyStore::destroy()
{
    // The sealing secret first: without it the sealed key is noise even if
    // the overwrite of the sealed file does not reach the flash cells.
    TRY(overwrite_and_remove(machine_secret_path()));
    TRY(overwrite_and_remove(sealed_key_path()));
    return {};
}

}
