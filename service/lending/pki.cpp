#include "lending/pki.h"

#include <nlohmann/json.hpp>

#include "lending/files.h"

namespace hondana::lending {

namespace {

template<typename T> Result<T> from_drm(drm::Result<T>&& result, std::string_view what)
{
    if (!result)
        return fail(ErrorKind::Internal, std::string(what) + ": " + result.error().message);
    return std::move(*result);
}

Result<void> write_key(const std::filesystem::path& path, const drm::PrivateKey& key)
{
    auto pem = TRY(from_drm(key.pkcs8_pem(), "encoding a key"));
    return write_file(path, pem.view(), 0600);
}

Result<void> write_certificate(const std::filesystem::path& path, const drm::Certificate& certificate)
{
    return write_file(path, drm::as_bytes(certificate.pem()), 0644);
}

Result<drm::PrivateKey> read_key(const std::filesystem::path& path)
{
    auto pem = TRY(read_text_file(path, 64 * 1024));
    return from_drm(drm::PrivateKey::from_pem(pem), "reading " + path.string());
}

Result<drm::Certificate> read_certificate(const std::filesystem::path& path)
{
    auto pem = TRY(read_text_file(path, 64 * 1024));
    return from_drm(drm::Certificate::from_pem(pem), "reading " + path.string());
}

drm::CertificateRequest request_for(
    std::string common_name, const PkiOptions& options, drm::CertificateRole role, base::Timestamp now, int days)
{
    drm::CertificateRequest request;
    request.common_name = std::move(common_name);
    request.organization = options.organization;
    request.role = role;
    request.not_before = now - std::chrono::minutes(5);
    request.not_after = now + std::chrono::days(days);
    return request;
}

}

Result<PkiSummary> init_pki(const std::filesystem::path& pki_dir, const PkiOptions& options, base::Timestamp now)
{
    PkiPaths paths { pki_dir };
    std::error_code ec;
    if (std::filesystem::exists(paths.root_certificate(), ec))
        return fail(ErrorKind::Conflict, "a PKI exists already in " + pki_dir.string() + "; it is never overwritten");
    TRY(make_directory(pki_dir, 0755));
    TRY(make_directory(pki_dir / "offline", 0700));

    auto root_key = TRY(from_drm(drm::PrivateKey::generate_p256(), "generating the root key"));
    auto root = TRY(from_drm(drm::issue_certificate(request_for(options.organization + " root", options,
                                                        drm::CertificateRole::Root, now, options.root_validity_days),
                                 root_key.public_key(), nullptr, root_key),
        "issuing the root certificate"));
    auto ca_key = TRY(from_drm(drm::PrivateKey::generate_p256(), "generating the device CA key"));
    auto ca = TRY(from_drm(drm::issue_certificate(request_for(options.organization + " device CA", options,
                                                      drm::CertificateRole::Root, now, options.root_validity_days / 2),
                               ca_key.public_key(), &root, root_key),
        "issuing the device CA certificate"));
    auto tls_key = TRY(from_drm(drm::PrivateKey::generate_p256(), "generating the TLS key"));
    auto tls_request = request_for(
        "Hondana lending service", options, drm::CertificateRole::TlsServer, now, options.tls_validity_days);
    tls_request.dns_names = options.dns_names;
    tls_request.ip_addresses = options.ip_addresses;
    auto tls = TRY(from_drm(
        drm::issue_certificate(tls_request, tls_key.public_key(), &root, root_key), "issuing the TLS certificate"));
    auto backup_key = TRY(from_drm(drm::PrivateKey::generate_p256(), "generating the backup TLS key"));
    auto signing_key = TRY(from_drm(drm::PrivateKey::generate_p256(), "generating the licence-signing key"));
    auto signing = TRY(from_drm(
        drm::issue_certificate(request_for(options.organization + " licence signing", options,
                                   drm::CertificateRole::LicenceSigning, now, options.licence_signing_validity_days),
            signing_key.public_key(), &root, root_key),
        "issuing the licence-signing certificate"));

    TRY(write_key(paths.root_key(), root_key));
    TRY(write_key(paths.device_ca_key(), ca_key));
    TRY(write_key(paths.tls_key(), tls_key));
    TRY(write_key(paths.tls_backup_key(), backup_key));
    TRY(write_key(paths.licence_signing_key(), signing_key));
    TRY(write_certificate(paths.device_ca_certificate(), ca));
    TRY(write_certificate(paths.tls_certificate(), tls));
    TRY(write_certificate(paths.licence_signing_certificate(), signing));
    PkiSummary summary { paths, tls_key.public_key().spki_sha256_pin(), backup_key.public_key().spki_sha256_pin(),
        TRY(create_operator_backup_key(paths)) };
    nlohmann::json pins = { { "tls_spki_pins", { summary.tls_pin, summary.backup_pin } } };
    TRY(write_file(paths.pins(), drm::as_bytes(pins.dump(2) + "\n"), 0644));
    // The root certificate last: its presence marks a complete PKI.
    TRY(write_certificate(paths.root_certificate(), root));
    return summary;
}

Result<std::string> create_operator_backup_key(const PkiPaths& paths)
{
    std::error_code ec;
    if (std::filesystem::exists(paths.operator_backup_public_key(), ec))
        return fail(ErrorKind::Conflict, paths.operator_backup_public_key().string() + " exists already");
    TRY(make_directory(paths.dir / "offline", 0700));
    auto key = TRY(from_drm(drm::PrivateKey::generate_p256(), "generating the operator backup key"));
    TRY(write_key(paths.operator_backup_key(), key));
    TRY(write_file(paths.operator_backup_public_key(), drm::as_bytes(key.public_key().pem()), 0644));
    return key.public_key().spki_sha256_pin();
}

Pki::Pki(PkiPaths paths, drm::Certificate root, drm::Certificate device_ca, drm::PrivateKey device_ca_key,
    drm::Certificate signing_certificate, drm::PrivateKey signing_key, std::vector<std::string> tls_pins)
    : m_paths(std::move(paths))
    , m_root(std::move(root))
    , m_device_ca(std::move(device_ca))
    , m_device_ca_key(std::move(device_ca_key))
    , m_signing_certificate(std::move(signing_certificate))
    , m_signing_key(std::move(signing_key))
    , m_tls_pins(std::move(tls_pins))
{
}

Result<Pki> Pki::load(const std::filesystem::path& pki_dir)
{
    PkiPaths paths { pki_dir };
    std::error_code ec;
    if (!std::filesystem::exists(paths.root_certificate(), ec))
        return fail(ErrorKind::InvalidArgument, "no PKI in " + pki_dir.string() + ": run hondana-admin pki init first");
    auto root = TRY(read_certificate(paths.root_certificate()));
    auto ca = TRY(read_certificate(paths.device_ca_certificate()));
    auto ca_key = TRY(read_key(paths.device_ca_key()));
    auto signing = TRY(read_certificate(paths.licence_signing_certificate()));
    auto signing_key = TRY(read_key(paths.licence_signing_key()));
    auto pins_text = TRY(read_text_file(paths.pins(), 64 * 1024));
    auto pins = nlohmann::json::parse(pins_text, nullptr, false);
    if (pins.is_discarded() || !pins.contains("tls_spki_pins") || !pins["tls_spki_pins"].is_array())
        return fail(ErrorKind::InvalidArgument, paths.pins().string() + " is not a pins file");
    std::vector<std::string> tls_pins;
    for (const auto& pin : pins["tls_spki_pins"])
        if (pin.is_string())
            tls_pins.push_back(pin.get<std::string>());
    return Pki(paths, std::move(root), std::move(ca), std::move(ca_key), std::move(signing), std::move(signing_key),
        std::move(tls_pins));
}

}
