#include "hondana/drm/keys.h"

#include <set>

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "trust_test_support.h"

using namespace hondana::drm;
using hondana::drm::test::at;
using hondana::drm::test::ok;
using hondana::drm::test::request;

namespace {

struct Issued {
    PrivateKey key;
    Certificate certificate;
};

struct Tenant {
    PrivateKey root_key = ok(PrivateKey::generate_p256());
    Certificate root = ok(issue_certificate(
        request("Tenant Root", CertificateRole::Root, "2025-01-01T00:00:00Z", "2045-01-01T00:00:00Z"),
        root_key.public_key(), nullptr, root_key));

    Issued issue(CertificateRequest req)
    {
        PrivateKey key = ok(PrivateKey::generate_p256());
        Certificate certificate = ok(issue_certificate(req, key.public_key(), &root, root_key));
        return { std::move(key), std::move(certificate) };
    }
};

void expect_kind(const Result<void>& result, ErrorKind kind)
{
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, kind) << error_code(result.error().kind) << ": " << result.error().message;
}

std::set<std::string> subject_alt_names(const Certificate& certificate)
{
    std::set<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(certificate.native(), NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
        GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        int type = 0;
        auto* value = static_cast<ASN1_STRING*>(GENERAL_NAME_get0_value(name, &type));
        std::string bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
            static_cast<size_t>(ASN1_STRING_length(value)));
        if (type == GEN_DNS)
            out.insert("DNS:" + bytes);
        if (type == GEN_IPADD)
            out.insert("IP:" + hex_encode(as_bytes(bytes)));
    }
    GENERAL_NAMES_free(names);
    return out;
}

bool extension_is_critical(const Certificate& certificate, int nid)
{
    int index = X509_get_ext_by_NID(certificate.native(), nid, -1);
    return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(certificate.native(), index)) == 1;
}

}

TEST(Pki, root_is_a_self_signed_ca_for_certificate_signing)
{
    Tenant tenant;
    X509* root = tenant.root.native();
    EXPECT_EQ(X509_check_ca(root), 1);
    EXPECT_TRUE(X509_get_extension_flags(root) & EXFLAG_SS);
    EXPECT_EQ(X509_get_key_usage(root), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    EXPECT_TRUE(extension_is_critical(tenant.root, NID_basic_constraints));
    EXPECT_TRUE(extension_is_critical(tenant.root, NID_key_usage));
    EXPECT_EQ(X509_get_signature_nid(root), NID_ecdsa_with_SHA256);
    EXPECT_EQ(X509_get_version(root), X509_VERSION_3);
    EXPECT_EQ(tenant.root.subject_common_name(), "Tenant Root");
    EXPECT_EQ(tenant.root.not_before(), at("2025-01-01T00:00:00Z"));
    EXPECT_EQ(tenant.root.not_after(), at("2045-01-01T00:00:00Z"));
    EXPECT_TRUE(verify_certificate_chain(tenant.root, tenant.root, at("2030-01-01T00:00:00Z")));
}

TEST(Pki, tls_server_certificate_has_server_usage_and_names)
{
    Tenant tenant;
    CertificateRequest req = request("lending", CertificateRole::TlsServer, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
    req.dns_names = { "lending.example.test", "*.lending.example.test" };
    req.ip_addresses = { "127.0.0.1", "::1" };
    Issued server = tenant.issue(req);
    X509* cert = server.certificate.native();
    EXPECT_EQ(X509_check_ca(cert), 0);
    EXPECT_TRUE(extension_is_critical(server.certificate, NID_basic_constraints));
    EXPECT_EQ(X509_get_key_usage(cert), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
    EXPECT_EQ(X509_get_extended_key_usage(cert), static_cast<uint32_t>(XKU_SSL_SERVER));
    EXPECT_EQ(X509_check_purpose(cert, X509_PURPOSE_SSL_SERVER, 0), 1);
    EXPECT_EQ(X509_get_signature_nid(cert), NID_ecdsa_with_SHA256);
    EXPECT_EQ(subject_alt_names(server.certificate),
        (std::set<std::string> { "DNS:lending.example.test", "DNS:*.lending.example.test", "IP:7f000001",
            "IP:00000000000000000000000000000001" }));
    EXPECT_EQ(X509_check_host(cert, "lending.example.test", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
    EXPECT_EQ(X509_check_issued(tenant.root.native(), cert), X509_V_OK);
    EXPECT_TRUE(verify_certificate_chain(server.certificate, tenant.root, at("2026-06-01T00:00:00Z")));
}

TEST(Pki, tls_client_and_licence_signing_certificates_have_their_own_usages)
{
    Tenant tenant;
    Issued device
        = tenant.issue(request("tablet-0042", CertificateRole::TlsClient, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    EXPECT_EQ(X509_get_extended_key_usage(device.certificate.native()), static_cast<uint32_t>(XKU_SSL_CLIENT));
    EXPECT_EQ(X509_get_key_usage(device.certificate.native()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
    EXPECT_EQ(device.certificate.subject_common_name(), "tablet-0042");
    EXPECT_FALSE(device.certificate.has_extended_key_usage(licence_signing_eku_oid));
    Issued signer = tenant.issue(
        request("Licence signing", CertificateRole::LicenceSigning, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    EXPECT_TRUE(signer.certificate.has_extended_key_usage(licence_signing_eku_oid));
    EXPECT_EQ(X509_get_extended_key_usage(signer.certificate.native()) & (XKU_SSL_SERVER | XKU_SSL_CLIENT), 0u);
    EXPECT_EQ(X509_check_ca(signer.certificate.native()), 0);
    EXPECT_EQ(X509_get_key_usage(signer.certificate.native()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
}

TEST(Pki, serial_numbers_are_random_128_bit_values)
{
    Tenant tenant;
    std::set<std::string> serials;
    for (int i = 0; i < 8; ++i) {
        Issued issued = tenant.issue(
            request("client", CertificateRole::TlsClient, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
        std::string serial = issued.certificate.serial_hex();
        EXPECT_LE(serial.size(), 32u);
        EXPECT_GE(serial.size(), 16u); // 2^-64 chance of a false failure
        serials.insert(serial);
    }
    EXPECT_EQ(serials.size(), 8u);
}

TEST(Pki, certificate_encodings_round_trip)
{
    Tenant tenant;
    Issued server = tenant.issue(
        request("lending", CertificateRole::TlsServer, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    EXPECT_EQ(ok(Certificate::from_der(server.certificate.der())).der(), server.certificate.der());
    EXPECT_EQ(ok(Certificate::from_pem(server.certificate.pem())).der(), server.certificate.der());
    auto bundle = ok(Certificate::all_from_pem(server.certificate.pem() + tenant.root.pem()));
    ASSERT_EQ(bundle.size(), 2u);
    EXPECT_EQ(bundle[1].der(), tenant.root.der());
    EXPECT_EQ(server.certificate.public_key().spki_der(), server.key.public_key().spki_der());
}

TEST(Pki, rejects_malformed_certificates)
{
    Tenant tenant;
    Bytes der = tenant.root.der();
    auto expect_malformed = [](const auto& result) {
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().kind, ErrorKind::MalformedCertificate);
    };
    expect_malformed(Certificate::from_der(Bytes {}));
    expect_malformed(Certificate::from_der(ByteView(der).first(der.size() - 1)));
    Bytes trailing = der;
    trailing.push_back(0);
    expect_malformed(Certificate::from_der(trailing));
    expect_malformed(Certificate::from_pem("no certificate here"));
    std::string pem = tenant.root.pem();
    pem[pem.size() / 2] = '*';
    expect_malformed(Certificate::all_from_pem(pem));
}

TEST(Pki, chain_is_judged_at_the_given_time)
{
    Tenant tenant;
    Issued signer = tenant.issue(
        request("Licence signing", CertificateRole::LicenceSigning, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    EXPECT_TRUE(verify_certificate_chain(signer.certificate, tenant.root, at("2026-01-01T00:00:00Z")));
    // OpenSSL treats notAfter itself as past (RFC 5280 would include it): one second less.
    EXPECT_TRUE(verify_certificate_chain(signer.certificate, tenant.root, at("2026-12-31T23:59:59Z")));
    expect_kind(verify_certificate_chain(signer.certificate, tenant.root, at("2025-12-31T23:59:59Z")),
        ErrorKind::CertificateNotValidAtIssue);
    expect_kind(verify_certificate_chain(signer.certificate, tenant.root, at("2027-01-01T00:00:01Z")),
        ErrorKind::CertificateNotValidAtIssue);
    // The root's own validity counts too.
    expect_kind(verify_certificate_chain(signer.certificate, tenant.root, at("2046-01-01T00:00:00Z")),
        ErrorKind::CertificateNotValidAtIssue);
}

TEST(Pki, chain_to_another_root_is_untrusted)
{
    Tenant tenant;
    Tenant other;
    Issued signer = tenant.issue(
        request("Licence signing", CertificateRole::LicenceSigning, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    // `other` has the very same subject name: only the key tells them apart.
    ASSERT_EQ(other.root.subject_common_name(), tenant.root.subject_common_name());
    expect_kind(verify_certificate_chain(signer.certificate, other.root, at("2026-06-01T00:00:00Z")),
        ErrorKind::UntrustedRoot);
    PrivateKey stranger_key = ok(PrivateKey::generate_p256());
    Certificate stranger = ok(issue_certificate(
        request("Stranger", CertificateRole::Root, "2025-01-01T00:00:00Z", "2045-01-01T00:00:00Z"),
        stranger_key.public_key(), nullptr, stranger_key));
    expect_kind(
        verify_certificate_chain(signer.certificate, stranger, at("2026-06-01T00:00:00Z")), ErrorKind::UntrustedRoot);
    // Even when the certificate is also expired, the missing chain is what is reported.
    expect_kind(
        verify_certificate_chain(signer.certificate, stranger, at("2028-06-01T00:00:00Z")), ErrorKind::UntrustedRoot);
}

TEST(Pki, chains_through_intermediates_and_needs_them)
{
    Tenant tenant;
    Issued intermediate
        = tenant.issue(request("Device CA", CertificateRole::Root, "2025-06-01T00:00:00Z", "2035-01-01T00:00:00Z"));
    PrivateKey device_key = ok(PrivateKey::generate_p256());
    Certificate device = ok(issue_certificate(
        request("tablet-7", CertificateRole::TlsClient, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        device_key.public_key(), &intermediate.certificate, intermediate.key));
    auto when = at("2026-06-01T00:00:00Z");
    EXPECT_TRUE(verify_certificate_chain(device, tenant.root, when, { intermediate.certificate }));
    expect_kind(verify_certificate_chain(device, tenant.root, when), ErrorKind::UntrustedRoot);
    expect_kind(verify_certificate_chain(device, tenant.root, at("2025-03-01T00:00:00Z"), { intermediate.certificate }),
        ErrorKind::CertificateNotValidAtIssue);
}

TEST(Pki, leaf_certificates_cannot_issue)
{
    Tenant tenant;
    Issued leaf = tenant.issue(
        request("Licence signing", CertificateRole::LicenceSigning, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));
    PrivateKey key = ok(PrivateKey::generate_p256());
    auto refused = issue_certificate(
        request("x", CertificateRole::TlsClient, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"), key.public_key(),
        &leaf.certificate, leaf.key);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::InvalidArgument);
}

TEST(Pki, refuses_unusable_requests)
{
    Tenant tenant;
    PrivateKey key = ok(PrivateKey::generate_p256());
    auto expect_invalid = [&](const CertificateRequest& req, const Certificate* issuer, const PrivateKey& issuer_key) {
        auto result = issue_certificate(req, key.public_key(), issuer, issuer_key);
        ASSERT_FALSE(result) << req.common_name;
        EXPECT_EQ(result.error().kind, ErrorKind::InvalidArgument) << result.error().message;
    };
    auto base = request("ok", CertificateRole::TlsServer, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
    CertificateRequest no_name = base;
    no_name.common_name.clear();
    expect_invalid(no_name, &tenant.root, tenant.root_key);
    CertificateRequest backwards = base;
    std::swap(backwards.not_before, backwards.not_after);
    expect_invalid(backwards, &tenant.root, tenant.root_key);
    CertificateRequest no_san = base;
    no_san.dns_names.clear();
    expect_invalid(no_san, &tenant.root, tenant.root_key);
    CertificateRequest bad_dns = base;
    bad_dns.dns_names = { "a,DNS:evil.example" };
    expect_invalid(bad_dns, &tenant.root, tenant.root_key);
    CertificateRequest bad_ip = base;
    bad_ip.ip_addresses = { "300.1.1.1" };
    expect_invalid(bad_ip, &tenant.root, tenant.root_key);
    expect_invalid(base, &tenant.root, key);         // issuer key does not match the issuer
    expect_invalid(base, nullptr, tenant.root_key); // self-signed by someone else's key
}
