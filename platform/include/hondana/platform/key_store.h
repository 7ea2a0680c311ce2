#pragma once

// The device key store: where the device's P-256 key lives. An interface,
// so a TPM, the macOS Keychain or Windows DPAPI can replace the file store
// without touching its callers. The private key leaves a store only as an
// in-memory drm::PrivateKey; it is never logged or written in clear.

#include <filesystem>
#include <memory>
#include <string_view>

#include "hondana/drm/crypto.h"
#include "hondana/drm/keys.h"
#include "hondana/platform/error.h"

namespace hondana::platform {

class KeyStore {
public:
    virtual ~KeyStore() = default;

    // A short name for `doctor` ("file").
    [[nodiscard]] virtual std::string_view kind() const = 0;
    [[nodiscard]] virtual bool has_device_key() const = 0;
    // Makes a new P-256 device key and stores it; InvalidArgument when one exists.
    [[nodiscard]] virtual Result<drm::PublicKey> create_device_key() = 0;
    // NotEnrolled when there is no key; KeyStoreCorrupt when it does not open.
    [[nodiscard]] virtual Result<drm::PrivateKey> device_key() const = 0;
    // A 256-bit secret bound to the device key and to `purpose` (used to wrap
    // the local stores' keys); the same inputs give the same secret.
    [[nodiscard]] virtual Result<drm::SecretBytes> device_secret(std::string_view purpose) const = 0;
    // Destroys the key (and whatever protects it). Afterwards has_device_key() is false.
    [[nodiscard]] virtual Result<void> destroy() = 0;
};

// The file store: the device key's PKCS#8 DER sealed with AES-256-GCM under a
// key derived (HKDF-SHA256) from a random machine secret file and
// /etc/machine-id, both files 0600 in a 0700 folder. What this protects
// against, and what it does not, is in docs/reader.md.
class FileKeyStore final : public KeyStore {
public:
    // `dir` is the device folder; `machine_id` the machine ID file
    // (/etc/machine-id; a missing file counts as empty).
    [[nodiscard]] static Result<std::unique_ptr<FileKeyStore>> open(
        const std::filesystem::path& dir, const std::filesystem::path& machine_id = "/etc/machine-id");

    [[nodiscard]] std::string_view kind() const override { return "file"; }
    [[nodiscard]] bool has_device_key() const override;
    [[nodiscard]] Result<drm::PublicKey> create_device_key() override;
    [[nodiscard]] Result<drm::PrivateKey> device_key() const override;
    [[nodiscard]] Result<drm::SecretBytes> device_secret(std::string_view purpose) const override;
    [[nodiscard]] Result<void> destroy() override;

    [[nodiscard]] std::filesystem::path sealed_key_path() const { return m_dir / "device_key.sealed"; }
    [[nodiscard]] std::filesystem::path machine_secret_path() const { return m_dir / "machine.secret"; }

private:
    FileKeyStore(std::filesystem::path dir, std::filesystem::path machine_id);
    [[nodiscard]] Result<drm::SecretBytes> sealing_key(bool create) const;

    std::filesystem::path m_dir;
    std::filesystem::path m_machine_id;
};

}
