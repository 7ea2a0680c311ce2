#pragma once

// Helpers shared by the trust tests (keys, PKI, licences, signatures, key
// wrapping): fixed times, a throw-away tenant PKI, a valid device-profile
// licence, and the LCP fixtures' licence documents read out of their ZIPs.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <zip.h>

#include "fixtures.h"
#include "hondana/base/time.h"
#include "hondana/drm/key_wrap.h"
#include "hondana/drm/keys.h"
#include "hondana/drm/licence.h"

namespace hondana::drm::test {

// Unwraps a Result in a test; an error fails the test (GoogleTest reports
// the exception with the error's code and message).
template<typename T>
T ok(Result<T>&& result)
{
    if (!result)
        throw std::runtime_error(std::string(error_code(result.error().kind)) + ": " + result.error().message);
    return std::move(*result);
}

inline base::Timestamp at(const char* rfc3339)
{
    auto time = base::parse_rfc3339(rfc3339);
    if (!time)
        throw std::runtime_error(std::string("bad test time ") + rfc3339);
    return *time;
}

inline std::string read_text(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One member of a ZIP file (libzip directly, so these tests do not depend on
// the package code). Empty when the archive or member is missing.
inline std::string read_zip_member(const std::filesystem::path& archive, const char* member)
{
    int error = 0;
    zip_t* zip = zip_open(archive.c_str(), ZIP_RDONLY, &error);
    if (!zip)
        return {};
    std::string out;
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat(zip, member, 0, &stat) == 0 && (stat.valid & ZIP_STAT_SIZE)) {
        if (zip_file_t* file = zip_fopen(zip, member, 0)) {
            out.resize(stat.size);
            zip_int64_t got = zip_fread(file, out.data(), stat.size);
            if (got < 0 || static_cast<zip_uint64_t>(got) != stat.size)
                out.clear();
            zip_fclose(file);
        }
    }
    zip_discard(zip);
    return out;
}

inline std::filesystem::path lcp_fixture(const char* name) { return hondana::test::shared_fixtures() / "lcp" / name; }

// The licence of daisy.lcpdf / epub-lcp.epub.
inline std::string daisy_licence_text() { return read_zip_member(lcp_fixture("daisy.lcpdf"), "license.lcpl"); }
inline std::string epub_licence_text()
{
    return read_zip_member(lcp_fixture("epub-lcp.epub"), "META-INF/license.lcpl");
}
inline Certificate edrlab_root() { return ok(Certificate::from_pem(read_text(lcp_fixture("cacert-edrlab-test.pem")))); }

inline CertificateRequest request(
    const char* common_name, CertificateRole role, const char* not_before, const char* not_after)
{
    CertificateRequest out;
    out.common_name = common_name;
    out.organization = "Hondana test tenant";
    out.role = role;
    out.not_before = at(not_before);
    out.not_after = at(not_after);
    if (role == CertificateRole::TlsServer)
        out.dns_names = { "lending.example.test" };
    return out;
}

// A tenant root and a licence-signing certificate it issued.
struct TestPki {
    PrivateKey root_key;
    Certificate root;
    PrivateKey signing_key;
    Certificate signing;

    static TestPki create(const char* signing_from = "2026-01-01T00:00:00Z",
        const char* signing_until = "2030-01-01T00:00:00Z", const char* root_name = "Hondana Test Root")
    {
        PrivateKey root_key = ok(PrivateKey::generate_p256());
        Certificate root = ok(issue_certificate(
            request(root_name, CertificateRole::Root, "2025-01-01T00:00:00Z", "2045-01-01T00:00:00Z"),
            root_key.public_key(), nullptr, root_key));
        PrivateKey signing_key = ok(PrivateKey::generate_p256());
        Certificate signing
            = ok(issue_certificate(request("Licence signing", CertificateRole::LicenceSigning, signing_from, signing_until),
                signing_key.public_key(), &root, root_key));
        return { std::move(root_key), std::move(root), std::move(signing_key), std::move(signing) };
    }
};

// A complete, unsigned licence of the Hondana device profile for `device`,
// issued 2026-11-01 (every optional member of the profile set too).
inline Licence device_licence(const PublicKey& device, const char* device_id = "tablet-0042")
{
    Licence licence;
    licence.id = "b7c2a0a4-5d1e-4c55-9f49-0b6f1f0e6d21";
    licence.issued = at("2026-11-01T09:00:00Z");
    licence.provider = "https://lending.example.test";
    licence.profile = std::string(hondana_device_profile);
    Bytes content_key(32, 0x5a);
    licence.content_key.algorithm = std::string(device_key_wrap_uri);
    licence.content_key.encrypted_value
        = ok(wrap_content_key(content_key, device, { .licence_id = licence.id, .device_id = device_id }));
    licence.user_key.algorithm = std::string(device_p256_uri);
    licence.user_key.text_hint = "Hondana device key";
    licence.user_key.device_id = device_id;
    licence.user_key.device_key_pin = device.spki_sha256_pin();
    LicenceLink publication;
    publication.rel = "publication";
    publication.href = "https://lending.example.test/v1/content/title-7";
    publication.type = "application/pdf+lcp";
    publication.title = "よだかの星";
    publication.length = 820660;
    publication.hash = "9d5b063ffcde7530496f6b2b604ac03dcc2d594d0540a24a075b200f4c775310";
    LicenceLink status;
    status.rel = "status";
    status.href = "https://lending.example.test/v1/licences/b7c2a0a4/status";
    status.type = "application/vnd.readium.license.status.v1.0+json";
    licence.links = { publication, status };
    licence.rights.print = 0;
    licence.rights.copy = 0;
    licence.rights.start = at("2026-11-01T09:00:00Z");
    licence.rights.end = at("2026-11-15T09:00:00Z");
    licence.rights.offline_until = at("2026-11-08T09:00:00Z");
    licence.user.id = "student-1234";
    licence.user.name = "山田 花子";
    return licence;
}

}
