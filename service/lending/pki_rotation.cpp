#include "lending/pki_rotation.h"

#include <arpa/inet.h>
#include <openssl/x509v3.h>

#include <memory>

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

struct GeneralNamesFree {
    void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

// The DNS names and IP addresses the current certificate names the service by.
Result<void> names_of_current(const PkiPaths& paths, TlsRotation& rotation)
{
    auto pem = TRY(read_text_file(paths.tls_certificate(), 64 * 1024));
    auto current = drm::Certificate::from_pem(pem);
    if (!current)
        return fail(ErrorKind::InvalidArgument, paths.tls_certificate().string() + " is not a certificate");
    std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(current->native(), NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_DNS) {
            const auto* text = name->d.dNSName;
            rotation.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                static_cast<size_t>(ASN1_STRING_length(text)));
        } else if (name->type == GEN_IPADD) {
            const auto* bytes = name->d.iPAddress;
            int length = ASN1_STRING_length(bytes);
            char text[INET6_ADDRSTRLEN] = {};
            if ((length == 4 || length == 16)
                && inet_ntop(length == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(bytes), text, sizeof text))
                rotation.ip_addresses.emplace_back(text);
        }
    }
    if (rotation.dns_names.empty() && rotation.ip_addresses.empty())
        return fail(ErrorKind::InvalidArgument,
            "the current certificate names no DNS name or IP address: give them with --dns and/or --ip");
    return {};
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

Result<RotatedPins> rotate_tls_key(const PkiPaths& paths, const TlsRotation& given, base::Timestamp now)
{
    TlsRotation rotation = given;
    if (rotation.dns_names.empty() && rotation.ip_addresses.empty())
        TRY(names_of_current(paths, rotation));
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
