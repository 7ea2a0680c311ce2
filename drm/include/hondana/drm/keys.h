#pragma once

// Asymmetric keys and X.509 certificates (OpenSSL EVP_PKEY / X509 behind RAII
// handles): P-256 key generation, PEM/DER, SPKI pins, ECDSA and RSA
// signatures, certificate issuance for the tenant PKI, and chain checks.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hondana/base/time.h"
#include "hondana/drm/crypto.h"

// OpenSSL's opaque types, so this header does not pull in OpenSSL.
struct evp_pkey_st;
struct x509_st;

namespace hondana::drm {

enum class KeyType { EcP256, EcP384, Rsa, Other };

// A public key (SubjectPublicKeyInfo).
class PublicKey {
public:
    [[nodiscard]] static Result<PublicKey> from_spki_der(ByteView der);
    [[nodiscard]] static Result<PublicKey> from_pem(std::string_view pem);
    // An uncompressed P-256 point (65 bytes, 0x04 || X || Y).
    [[nodiscard]] static Result<PublicKey> from_p256_point(ByteView point);

    [[nodiscard]] KeyType type() const;
    [[nodiscard]] Bytes spki_der() const;
    [[nodiscard]] std::string pem() const;
    // For P-256 keys: the uncompressed point (65 bytes).
    [[nodiscard]] Result<Bytes> p256_point() const;
    // The pin curl and HPKP use: base64(SHA-256(SPKI DER)), without "sha256//".
    [[nodiscard]] std::string spki_sha256_pin() const;
    [[nodiscard]] evp_pkey_st* native() const { return m_key.get(); }

    explicit PublicKey(evp_pkey_st* key); // takes ownership
private:
    std::shared_ptr<evp_pkey_st> m_key;
};

// A private key. PEM output is PKCS#8; never log it.
class PrivateKey {
public:
    [[nodiscard]] static Result<PrivateKey> generate_p256();
    // PKCS#8 or traditional PEM; an encrypted PEM needs its passphrase.
    [[nodiscard]] static Result<PrivateKey> from_pem(std::string_view pem, std::string_view passphrase = {});
    [[nodiscard]] static Result<PrivateKey> from_pkcs8_der(ByteView der);

    [[nodiscard]] KeyType type() const;
    [[nodiscard]] PublicKey public_key() const;
    // Unencrypted PKCS#8 PEM. The caller must protect what it writes.
    [[nodiscard]] Result<SecretBytes> pkcs8_pem() const;
    [[nodiscard]] Result<SecretBytes> pkcs8_der() const;
    [[nodiscard]] evp_pkey_st* native() const { return m_key.get(); }

    explicit PrivateKey(evp_pkey_st* key); // takes ownership
private:
    std::shared_ptr<evp_pkey_st> m_key;
};

// XML-DSig signature algorithm URIs used in licences (LCP).
inline constexpr std::string_view ecdsa_sha256_uri = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
inline constexpr std::string_view rsa_sha256_uri = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

enum class SignatureAlgorithm { EcdsaSha256, RsaPkcs1Sha256 };

// ECDSA-SHA256 over `message`; the value is r || s, each padded to the curve
// size (XML-DSig, as LCP signs), not DER.
[[nodiscard]] Result<Bytes> sign_ecdsa_sha256(const PrivateKey& key, ByteView message);
// Verifies `signature` over `message` (ECDSA: r || s as above; RSA:
// RSASSA-PKCS1-v1_5 with SHA-256, keys of 2048 to 8192 bits).
// SignatureInvalid when it does not hold (a wrong-length r || s included);
// UnsupportedAlgorithm when the key type or size does not fit the algorithm.
[[nodiscard]] Result<void> verify_signature(
    const PublicKey& key, SignatureAlgorithm algorithm, ByteView message, ByteView signature);

// An X.509 certificate.
class Certificate {
public:
    [[nodiscard]] static Result<Certificate> from_der(ByteView der);
    [[nodiscard]] static Result<Certificate> from_pem(std::string_view pem);
    // Every certificate in a PEM bundle, in order.
    [[nodiscard]] static Result<std::vector<Certificate>> all_from_pem(std::string_view pem);

    [[nodiscard]] Bytes der() const;
    [[nodiscard]] std::string pem() const;
    [[nodiscard]] PublicKey public_key() const;
    [[nodiscard]] std::string subject_common_name() const;
    [[nodiscard]] std::string serial_hex() const;
    [[nodiscard]] base::Timestamp not_before() const;
    [[nodiscard]] base::Timestamp not_after() const;
    // Whether the extendedKeyUsage extension lists `oid` (dotted form).
    [[nodiscard]] bool has_extended_key_usage(std::string_view oid) const;
    [[nodiscard]] x509_st* native() const { return m_cert.get(); }

    explicit Certificate(x509_st* cert); // takes ownership
private:
    std::shared_ptr<x509_st> m_cert;
};

// The extendedKeyUsage that marks a Hondana licence-signing certificate
// (an OID under the UUID arc 2.25, ITU-T X.667, so no registration is needed).
// verify_licence requires it for the Hondana device profile, so a device or
// TLS certificate issued by the same tenant root cannot sign licences.
inline constexpr std::string_view licence_signing_eku_oid = "2.25.60972273434295576589816534035777581773";

// What a certificate issued by `issue_certificate` is for; sets basic
// constraints (critical), key usage (critical) and extended key usage.
enum class CertificateRole {
    Root,           // CA:TRUE, keyCertSign + cRLSign (self-signed when no issuer)
    TlsServer,      // CA:FALSE, digitalSignature, serverAuth; subjectAltName from
                    // dns_names/ip_addresses (at least one required)
    TlsClient,      // CA:FALSE, digitalSignature, clientAuth (device certificates)
    LicenceSigning, // CA:FALSE, digitalSignature, licence_signing_eku_oid
};

struct CertificateRequest {
    std::string common_name;
    std::string organization;
    CertificateRole role { CertificateRole::TlsServer };
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;
    base::Timestamp not_before;
    base::Timestamp not_after;
};

// Issues an X.509 v3 certificate for `subject_key`, signed by `issuer_key`
// with ECDSA-SHA256 (or RSA-SHA256 for RSA issuers). `issuer` null means
// self-signed (then `issuer_key` must be the subject's private key); else
// `issuer` must be a CA certificate whose key is `issuer_key`. The serial
// number is 128 random bits; subjectKeyIdentifier is always set,
// authorityKeyIdentifier when there is an issuer. Subject: CN and (when not
// empty) O. InvalidArgument for an empty common name, not_before >=
// not_after, a key that does not match, a non-CA issuer, a TLS server
// certificate without names, or a DNS name / IP address that is not one.
[[nodiscard]] Result<Certificate> issue_certificate(const CertificateRequest& request, const PublicKey& subject_key,
    const Certificate* issuer, const PrivateKey& issuer_key);

// Checks that `leaf` chains to `root` (through `intermediates`) with every
// certificate valid at `at` (OpenSSL's verifier, X509_VERIFY_PARAM_set_time;
// the notAfter second itself counts as expired). Only `root` is trusted.
// UntrustedRoot when it does not chain (unknown issuer, same name but another
// key, missing intermediate, non-CA issuer); CertificateNotValidAtIssue when
// it chains but some certificate was expired or not yet valid at `at`.
[[nodiscard]] Result<void> verify_certificate_chain(const Certificate& leaf, const Certificate& root,
    base::Timestamp at, const std::vector<Certificate>& intermediates = {});

}
