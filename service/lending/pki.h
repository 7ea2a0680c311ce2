#pragma once

// The tenant PKI of a data directory (`hondana-admin pki init`), as files in
// DIR/pki/:
//
//   root.crt              tenant root (self-signed CA); readers trust it for licences
//   offline/root.key      its key: move it off the server after init (needed only to rotate)
//   device-ca.crt/.key    intermediate CA that signs device certificates at enrolment
//   tls.crt/.key          the service's TLS certificate (issued by the root) and key
//   offline/tls-backup.key  the backup TLS key: its pin is in every reader's policy
//                           from day one, so rotating to it needs no policy change
//   licence-signing.crt/.key  signs licences (licence-signing EKU, issued by the root)
//   pins.json             {"tls_spki_pins": [current, backup]}
//   operator-backup.pub   the operator's backup key (public half): backups wrap
//                         their keys to it (lending/backup.h)
//   offline/operator-backup.key  its private half: move it off the server with
//                         the root key; restoring a backup needs it
//
// Private keys are PKCS#8 PEM with mode 0600.

#include <filesystem>
#include <string>
#include <vector>

#include "hondana/drm/keys.h"
#include "lending/error.h"

namespace hondana::lending {

struct PkiOptions {
    std::string organization { "Hondana tenant" };
    std::vector<std::string> dns_names { "localhost" };
    std::vector<std::string> ip_addresses { "127.0.0.1", "::1" };
    int root_validity_days { 20 * 365 };
    int tls_validity_days { 825 };
    int licence_signing_validity_days { 5 * 365 };
};

struct PkiPaths {
    std::filesystem::path dir;
    [[nodiscard]] std::filesystem::path root_certificate() const { return dir / "root.crt"; }
    [[nodiscard]] std::filesystem::path root_key() const { return dir / "offline" / "root.key"; }
    [[nodiscard]] std::filesystem::path device_ca_certificate() const { return dir / "device-ca.crt"; }
    [[nodiscard]] std::filesystem::path device_ca_key() const { return dir / "device-ca.key"; }
    [[nodiscard]] std::filesystem::path tls_certificate() const { return dir / "tls.crt"; }
    [[nodiscard]] std::filesystem::path tls_key() const { return dir / "tls.key"; }
    [[nodiscard]] std::filesystem::path tls_backup_key() const { return dir / "offline" / "tls-backup.key"; }
    [[nodiscard]] std::filesystem::path licence_signing_certificate() const { return dir / "licence-signing.crt"; }
    [[nodiscard]] std::filesystem::path licence_signing_key() const { return dir / "licence-signing.key"; }
    [[nodiscard]] std::filesystem::path pins() const { return dir / "pins.json"; }
    [[nodiscard]] std::filesystem::path operator_backup_public_key() const { return dir / "operator-backup.pub"; }
    [[nodiscard]] std::filesystem::path operator_backup_key() const { return dir / "offline" / "operator-backup.key"; }
};

struct PkiSummary {
    PkiPaths paths;
    std::string tls_pin;
    std::string backup_pin;
    std::string operator_backup_pin; // SPKI pin of the operator's backup key
};

// Creates every key and certificate. Conflict when DIR/pki/root.crt exists
// (a PKI is never overwritten).
[[nodiscard]] Result<PkiSummary> init_pki(
    const std::filesystem::path& pki_dir, const PkiOptions& options, base::Timestamp now);

// Makes the operator's backup key pair (operator-backup.pub and
// offline/operator-backup.key) for a PKI made before backups existed.
// Conflict when operator-backup.pub exists. Returns the key's SPKI pin.
[[nodiscard]] Result<std::string> create_operator_backup_key(const PkiPaths& paths);

// What the running service needs: root and device CA certificates, the
// device CA key, the licence-signing key and certificate, and the pins.
class Pki {
public:
    [[nodiscard]] static Result<Pki> load(const std::filesystem::path& pki_dir);

    [[nodiscard]] const PkiPaths& paths() const { return m_paths; }
    [[nodiscard]] const drm::Certificate& root() const { return m_root; }
    [[nodiscard]] const drm::Certificate& device_ca() const { return m_device_ca; }
    [[nodiscard]] const drm::PrivateKey& device_ca_key() const { return m_device_ca_key; }
    [[nodiscard]] const drm::Certificate& licence_signing_certificate() const { return m_signing_certificate; }
    [[nodiscard]] const drm::PrivateKey& licence_signing_key() const { return m_signing_key; }
    [[nodiscard]] const std::vector<std::string>& tls_pins() const { return m_tls_pins; }
    // Device CA then root, PEM: what a device receives at enrolment.
    [[nodiscard]] std::string ca_bundle_pem() const { return m_device_ca.pem() + m_root.pem(); }

private:
    Pki(PkiPaths paths, drm::Certificate root, drm::Certificate device_ca, drm::PrivateKey device_ca_key,
        drm::Certificate signing_certificate, drm::PrivateKey signing_key, std::vector<std::string> tls_pins);
    PkiPaths m_paths;
    drm::Certificate m_root;
    drm::Certificate m_device_ca;
    drm::PrivateKey m_device_ca_key;
    drm::Certificate m_signing_certificate;
    drm::PrivateKey m_signing_key;
    std::vector<std::string> m_tls_pins;
};

}
