// Signing licences (ECDSA P-256/SHA-256, our profile) and verifying them
// (ECDSA or RSA-SHA256, with the certificate judged at the signing time).

#include "hondana/drm/canonical_json.h"
#include "hondana/drm/licence.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

namespace hondana::drm {

namespace {

// The bytes a licence signature covers: the canonical form of the document
// without its `signature` member.
Result<std::string> signed_bytes(const nlohmann::json& document)
{
    if (!document.is_object())
        return fail(ErrorKind::MalformedJson, "licence document is not a JSON object");
    nlohmann::json unsigned_document = document;
    unsigned_document.erase("signature");
    return canonical_json(unsigned_document);
}

Result<SignatureAlgorithm> signature_algorithm(std::string_view uri)
{
    if (uri == ecdsa_sha256_uri)
        return SignatureAlgorithm::EcdsaSha256;
    if (uri == rsa_sha256_uri)
        return SignatureAlgorithm::RsaPkcs1Sha256;
    return fail(ErrorKind::UnsupportedAlgorithm, "signature algorithm \"" + std::string(uri) + "\" is not supported");
}

// Whether the tenant PKI let `certificate` sign licences of `profile`. A
// device profile licence needs the licence-signing EKU. Whatever the
// profile, a TLS client certificate without it is refused: its key sits on
// a device, and a device must not be able to vouch for a licence (not even a
// basic-profile one carrying a content key it already knows).
Result<void> check_signer_role(const Certificate& certificate, std::string_view profile)
{
    bool licence_signer = certificate.has_extended_key_usage(licence_signing_eku_oid);
    X509* native = certificate.native();
    bool client = (X509_get_extension_flags(native) & EXFLAG_XKUSAGE) != 0
        && (X509_get_extended_key_usage(native) & XKU_SSL_CLIENT) != 0;
    if (licence_signer || (profile != hondana_device_profile && !client))
        return {};
    return fail(ErrorKind::UntrustedRoot,
        "the certificate that signed this licence (" + certificate.subject_common_name()
            + ") is not a licence-signing certificate");
}

}

Result<std::string> sign_licence(Licence& licence, const PrivateKey& signing_key, const Certificate& signing_certificate)
{
    if (signing_key.type() != KeyType::EcP256)
        return fail(ErrorKind::InvalidArgument, "licences are signed with a P-256 key");
    if (EVP_PKEY_eq(signing_certificate.public_key().native(), signing_key.native()) != 1)
        return fail(ErrorKind::InvalidArgument, "the signing certificate is not for the signing key");
    licence.signature.reset();
    nlohmann::json unsigned_document = licence_to_json(licence);
    std::string bytes = TRY(canonical_json(unsigned_document));
    // Never sign what a reader would refuse to parse.
    auto check = parse_licence(bytes);
    if (!check)
        return fail(check.error().kind, "refusing to sign an invalid licence: " + check.error().message);
    Bytes value = TRY(sign_ecdsa_sha256(signing_key, as_bytes(bytes)));
    licence.signature = LicenceSignature {
        .algorithm = std::string(ecdsa_sha256_uri),
        .certificate = signing_certificate.der(),
        .value = std::move(value),
    };
    licence.document = licence_to_json(licence);
    return canonical_json(licence.document);
}

Result<void> verify_licence(const Licence& licence, const Certificate& trusted_root)
{
    if (!licence.signature)
        return fail(ErrorKind::MissingField, "licence is not signed (no `signature`)");
    const LicenceSignature& signature = *licence.signature;
    SignatureAlgorithm algorithm = TRY(signature_algorithm(signature.algorithm));
    Certificate certificate = TRY(Certificate::from_der(signature.certificate));
    auto bytes = signed_bytes(licence.document);
    if (!bytes)
        return fail(ErrorKind::SignatureInvalid, "licence has no canonical form to verify: " + bytes.error().message);
    // The signature first: an altered document is reported as such whoever
    // signed it; then whether the signer is trusted, at the signing time.
    TRY(verify_signature(certificate.public_key(), algorithm, as_bytes(*bytes), signature.value));
    TRY(verify_certificate_chain(certificate, trusted_root, licence.signing_time()));
    return check_signer_role(certificate, licence.profile);
}

}
