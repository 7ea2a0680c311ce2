#pragma once

// A throw-away tenant PKI for reader tests: a root, a licence-signing key and
// TLS server certificates, all made with drm (the same code the service uses),
// plus a helper that issues device-profile licences.

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <iostream>

#include "hondana/drm/key_wrap.h"
#include "hondana/drm/keys.h"
#include "hondana/drm/licence.h"

namespace hondana::test {

template<typename R>
auto unwrap_or_die(R&& result, const char* what)
{
    if (!result) {
        std::cerr << "test PKI: " << what << ": " << result.error().message << "\n";
        std::abort();
    }
    return std::move(*result);
}

struct TestPki {
    drm::PrivateKey root_key;
    drm::Certificate root;
    drm::PrivateKey signing_key;
    drm::Certificate signing;

    static TestPki create(const std::string& name = "Test Tenant Root")
    {
        auto now = base::now_utc();
        auto root_key = unwrap_or_die(drm::PrivateKey::generate_p256(), "root key");
        drm::CertificateRequest request { name, "Hondana tests", drm::CertificateRole::Root, {}, {},
            now - std::chrono::hours(24), now + std::chrono::hours(24 * 3650) };
        auto root = unwrap_or_die(drm::issue_certificate(request, root_key.public_key(), nullptr, root_key), "root");
        auto signing_key = unwrap_or_die(drm::PrivateKey::generate_p256(), "signing key");
        request.common_name = "Licence signing";
        request.role = drm::CertificateRole::LicenceSigning;
        auto signing
            = unwrap_or_die(drm::issue_certificate(request, signing_key.public_key(), &root, root_key), "signing");
        return { std::move(root_key), std::move(root), std::move(signing_key), std::move(signing) };
    }

    // A TLS server certificate for `host` (a DNS name or an IP literal).
    [[nodiscard]] drm::Certificate server_certificate(const drm::PrivateKey& key, const std::string& host) const
    {
        auto now = base::now_utc();
        drm::CertificateRequest request { host, "Hondana tests", drm::CertificateRole::TlsServer, {}, {},
            now - std::chrono::hours(1), now + std::chrono::hours(24 * 30) };
        bool ip = !host.empty() && (std::isdigit(static_cast<unsigned char>(host[0])) || host.find(':') != std::string::npos);
        (ip ? request.ip_addresses : request.dns_names).push_back(host);
        return unwrap_or_die(drm::issue_certificate(request, key.public_key(), &root, root_key), "server cert");
    }
};

struct LicenceSpec {
    std::string id { "licence-1" };
    std::string device_id { "tablet-0001" };
    const drm::PublicKey* device_key { nullptr };
    drm::Bytes content_key = drm::Bytes(32, 0x42);
    base::Timestamp start;
    base::Timestamp end;
    std::optional<base::Timestamp> offline_until;
    std::string content_href { "https://lending.test/v1/content/title-1" };
    uint64_t length { 1000 };
    std::string hash = std::string(64, 'a');
};

// A signed device-profile licence as the service would send it.
inline std::string make_licence(const TestPki& pki, const LicenceSpec& spec)
{
    drm::Licence licence;
    licence.id = spec.id;
    licence.issued = spec.start;
    licence.provider = "https://lending.test";
    licence.profile = std::string(drm::hondana_device_profile);
    licence.content_key.algorithm = std::string(drm::device_key_wrap_uri);
    licence.content_key.encrypted_value = unwrap_or_die(
        drm::wrap_content_key(spec.content_key, *spec.device_key, { spec.id, spec.device_id }), "wrap content key");
    licence.user_key.algorithm = std::string(drm::device_p256_uri);
    licence.user_key.device_id = spec.device_id;
    licence.user_key.device_key_pin = spec.device_key->spki_sha256_pin();
    drm::LicenceLink publication;
    publication.rel = "publication";
    publication.href = spec.content_href;
    publication.type = "application/pdf+lcp";
    publication.length = spec.length;
    publication.hash = spec.hash;
    licence.links.push_back(publication);
    licence.rights.start = spec.start;
    licence.rights.end = spec.end;
    licence.rights.offline_until = spec.offline_until;
    licence.rights.print = 0;
    licence.rights.copy = 0;
    licence.user.id = "user-1";
    return unwrap_or_die(drm::sign_licence(licence, pki.signing_key, pki.signing), "sign licence");
}

}
