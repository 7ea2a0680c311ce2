#include "lending/pki_rotation.h"

#include <nlohmann/json.hpp>

#include "lending/file_ops.h"
#include "lending/files.h"

namespace hondana::lending {

namespace {

Result<drm::PrivateKey> load_key(const std::filesystem::path& path, const std::string& what)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return fail(
            ErrorKind::InvalidArgument, what + " " + path.string() + " is missing: bring it back from offline storage");
    auto pem = TRY(read_text_file(path, 64 * 1024));
    auto key = drm::PrivateKey::from_pem(pem);
    if (!key)
        return fail(ErrorKind::InvalidArgument, path.string() + " is not a private key");
    return std::move(*key);
}

Result<drm::Certificate> issue_tls(const TlsRotation& rotation, const drm::PrivateKey& key,
    const drm::Certificate& root, const drm::PrivateKey& root_key, base::Timestamp now)
{
    drm::CertificateRequest request;
    request.common_name = "Hondana lending service";
    request.organization = rotation.organization;
    request.role = drm::CertificateRole::TlsServer;
    request.dns_names = rotation.dns_names;
    request.ip_addresses = rotation.ip_addresses;
    request.not_before = now - std::chrono::minutes(5);
    request.not_after = now + std::chrono::days(rotation.validity_days);
    auto certificate = drm::issue_certificate(request, key.public_key(), &root, root_key);
    if (!certificate)
        return fail(ErrorKind::InvalidArgument, "cannot issue the TLS certificate: " + certificate.error().message);
    return std::move(*certificate);
}

// Keys stay in wiped memory (SecretBytes) on their way to the file.
Result<void> write_key(const std::filesystem::path& path, const drm::PrivateKey& key)
{
    auto pem = key.pkcs8_pem();
    if (!pem)
        return fail(ErrorKind::Internal, "cannot encode a key: " + pem.error().message);
    return write_file(path, pem->view(), 0600, Overwrite::Yes);
}

}

Result<RotatedPins> rotate_tls_key(const PkiPaths& paths, const TlsRotation& rotation, base::Timestamp now)
{
    if (rotation.dns_names.empty() && rotation.ip_addresses.empty())
        return fail(ErrorKind::InvalidArgument,
            "name the service as the tablets reach it (--dns and/or --ip): they go into the new certificate");
    auto root_pem = TRY(read_text_file(paths.root_certificate(), 64 * 1024));
    auto root = drm::Certificate::from_pem(root_pem);
    if (!root)
        return fail(ErrorKind::InvalidArgument, paths.root_certificate().string() + " is not a certificate");
    auto root_key = TRY(load_key(rotation.root_key, "the root key"));
    if (root_key.public_key().spki_der() != root->public_key().spki_der())
        return fail(ErrorKind::InvalidArgument, rotation.root_key.string() + " is not the key of this tenant's root");
    auto promoted = TRY(load_key(rotation.backup_key, "the backup TLS key"));
    auto old_key = TRY(load_key(paths.tls_key(), "the TLS key"));
    auto certificate = TRY(issue_tls(rotation, promoted, *root, root_key, now));
    auto next_backup = drm::PrivateKey::generate_p256();
    if (!next_backup)
        return fail(ErrorKind::Internal, "cannot make the next backup key: " + next_backup.error().message);
    RotatedPins pins { old_key.public_key().spki_sha256_pin(), promoted.public_key().spki_sha256_pin(),
        next_backup->public_key().spki_sha256_pin() };

    // The old key is overwritten, not just replaced by a rename.
    auto retired = paths.tls_key().string() + ".retired";
    std::error_code ec;
    std::filesystem::rename(paths.tls_key(), retired, ec);
    if (ec)
        return fail(ErrorKind::Internal, "cannot move the old TLS key aside: " + ec.message());
    TRY(write_key(paths.tls_key(), promoted));
    TRY(write_file(paths.tls_certificate(), drm::as_bytes(certificate.pem()), 0644, Overwrite::Yes));
    TRY(shred_file(retired));
    TRY(shred_file(paths.tls_backup_key()));
    TRY(make_directory(paths.dir / "offline", 0700));
    TRY(write_key(paths.tls_backup_key(), *next_backup));
    nlohmann::json json = { { "tls_spki_pins", { pins.current, pins.backup } } };
    TRY(write_file(paths.pins(), drm::as_bytes(json.dump(2) + "\n"), 0644, Overwrite::Yes));
    return pins;
}

}
