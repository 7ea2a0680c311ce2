// The tenant PKI: issuing certificates (issue_certificate) and judging a
// chain at a given time (verify_certificate_chain).

#include "hondana/drm/keys.h"

#include <algorithm>
#include <string>

#include "pki_handles.h"

namespace hondana::drm {

using detail::crypto_failure;

namespace {

bool same_key(const PublicKey& public_key, const PrivateKey& private_key)
{
    int verdict = EVP_PKEY_eq(public_key.native(), private_key.native());
    ERR_clear_error();
    return verdict == 1;
}

Result<void> check_request(const CertificateRequest& request, const PublicKey& subject_key,
    const Certificate* issuer, const PrivateKey& issuer_key)
{
    if (request.common_name.empty())
        return fail(ErrorKind::InvalidArgument, "certificate needs a common name");
    if (request.not_before >= request.not_after)
        return fail(ErrorKind::InvalidArgument, "certificate not_before must be before not_after");
    if (request.role == CertificateRole::TlsServer && request.dns_names.empty() && request.ip_addresses.empty())
        return fail(ErrorKind::InvalidArgument, "a TLS server certificate needs a DNS name or IP address");
    if (!issuer) {
        if (!same_key(subject_key, issuer_key))
            return fail(ErrorKind::InvalidArgument, "a self-signed certificate must be signed by the subject's key");
        return {};
    }
    if (!same_key(issuer->public_key(), issuer_key))
        return fail(ErrorKind::InvalidArgument, "issuer key does not match the issuer certificate");
    if (X509_check_ca(issuer->native()) < 1)
        return fail(ErrorKind::InvalidArgument, "issuer certificate is not a CA certificate");
    return {};
}

Result<void> set_random_serial(X509* cert)
{
    Bytes random(16);
    do {
        TRY(random_bytes(random));
    } while (std::all_of(random.begin(), random.end(), [](uint8_t b) { return b == 0; })); // 2^-128: never zero
    detail::Bignum serial { BN_bin2bn(random.data(), static_cast<int>(random.size()), nullptr) };
    if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)))
        return crypto_failure("setting the serial number");
    return {};
}

Result<void> set_names(X509* cert, const CertificateRequest& request, const Certificate* issuer)
{
    detail::X509Name subject { X509_NAME_new() };
    auto add = [&](const char* field, const std::string& value) {
        return X509_NAME_add_entry_by_txt(subject.get(), field, MBSTRING_UTF8,
                   reinterpret_cast<const unsigned char*>(value.data()), static_cast<int>(value.size()), -1, 0)
            == 1;
    };
    if (!subject || (!request.organization.empty() && !add("O", request.organization))
        || !add("CN", request.common_name))
        return fail(ErrorKind::InvalidArgument, "certificate subject name is not acceptable: " + detail::openssl_errors());
    if (X509_set_subject_name(cert, subject.get()) != 1)
        return crypto_failure("X509_set_subject_name");
    X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer->native()) : subject.get();
    if (X509_set_issuer_name(cert, issuer_name) != 1)
        return crypto_failure("X509_set_issuer_name");
    return {};
}

Result<void> set_validity(X509* cert, const CertificateRequest& request)
{
    auto to_time_t = [](base::Timestamp t) { return static_cast<time_t>(t.time_since_epoch().count()); };
    if (!ASN1_TIME_set(X509_getm_notBefore(cert), to_time_t(request.not_before))
        || !ASN1_TIME_set(X509_getm_notAfter(cert), to_time_t(request.not_after)))
        return fail(ErrorKind::InvalidArgument, "certificate validity cannot be encoded");
    return {};
}

bool plausible_dns_name(const std::string& name)
{
    if (name.empty() || name.size() > 253)
        return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
            || c == '*';
        if (!ok)
            return false;
    }
    return true;
}

Result<void> push_name(GENERAL_NAMES* names, int type, ASN1_STRING* value)
{
    detail::GeneralName name { GENERAL_NAME_new() };
    if (!name) {
        ASN1_STRING_free(value);
        return crypto_failure("GENERAL_NAME_new");
    }
    GENERAL_NAME_set0_value(name.get(), type, value);
    if (sk_GENERAL_NAME_push(names, name.get()) <= 0)
        return crypto_failure("sk_GENERAL_NAME_push");
    (void)name.release(); // owned by the stack now
    return {};
}

Result<void> add_subject_alt_names(X509* cert, const CertificateRequest& request)
{
    if (request.dns_names.empty() && request.ip_addresses.empty())
        return {};
    detail::GeneralNames names { sk_GENERAL_NAME_new_null() };
    if (!names)
        return crypto_failure("sk_GENERAL_NAME_new_null");
    for (const auto& dns : request.dns_names) {
        if (!plausible_dns_name(dns))
            return fail(ErrorKind::InvalidArgument, "\"" + dns + "\" is not a DNS name");
        ASN1_IA5STRING* value = ASN1_IA5STRING_new();
        if (!value || ASN1_STRING_set(value, dns.data(), static_cast<int>(dns.size())) != 1) {
            ASN1_IA5STRING_free(value);
            return crypto_failure("encoding a DNS name");
        }
        TRY(push_name(names.get(), GEN_DNS, value));
    }
    for (const auto& ip : request.ip_addresses) {
        ASN1_OCTET_STRING* value = a2i_IPADDRESS(ip.c_str());
        if (!value) {
            ERR_clear_error();
            return fail(ErrorKind::InvalidArgument, "\"" + ip + "\" is not an IP address");
        }
        TRY(push_name(names.get(), GEN_IPADD, value));
    }
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
        return crypto_failure("adding subjectAltName");
    return {};
}

Result<void> add_extension(X509* cert, X509V3_CTX* context, int nid, const char* value)
{
    detail::X509Extension extension { X509V3_EXT_conf_nid(nullptr, context, nid, value) };
    if (!extension || X509_add_ext(cert, extension.get(), -1) != 1)
        return crypto_failure(std::string("adding extension ") + OBJ_nid2sn(nid));
    return {};
}

Result<void> add_extensions(X509* cert, const CertificateRequest& request, const Certificate* issuer)
{
    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer ? issuer->native() : cert, cert, nullptr, nullptr, 0);
    X509V3_set_ctx_nodb(&context);
    bool ca = request.role == CertificateRole::Root;
    TRY(add_extension(cert, &context, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE"));
    TRY(add_extension(
        cert, &context, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"));
    switch (request.role) {
    case CertificateRole::Root: break;
    case CertificateRole::TlsServer: TRY(add_extension(cert, &context, NID_ext_key_usage, "serverAuth")); break;
    case CertificateRole::TlsClient: TRY(add_extension(cert, &context, NID_ext_key_usage, "clientAuth")); break;
    case CertificateRole::LicenceSigning: {
        std::string oid(licence_signing_eku_oid);
        TRY(add_extension(cert, &context, NID_ext_key_usage, oid.c_str()));
        break;
    }
    }
    TRY(add_extension(cert, &context, NID_subject_key_identifier, "hash"));
    if (issuer)
        TRY(add_extension(cert, &context, NID_authority_key_identifier, "keyid:always"));
    return add_subject_alt_names(cert, request);
}

}

Result<Certificate> issue_certificate(const CertificateRequest& request, const PublicKey& subject_key,
    const Certificate* issuer, const PrivateKey& issuer_key)
{
    TRY(check_request(request, subject_key, issuer, issuer_key));
    detail::X509Ptr cert { X509_new() };
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
        return crypto_failure("X509_new");
    TRY(set_random_serial(cert.get()));
    TRY(set_names(cert.get(), request, issuer));
    TRY(set_validity(cert.get(), request));
    if (X509_set_pubkey(cert.get(), subject_key.native()) != 1)
        return crypto_failure("X509_set_pubkey");
    TRY(add_extensions(cert.get(), request, issuer));
    if (X509_sign(cert.get(), issuer_key.native(), EVP_sha256()) <= 0)
        return crypto_failure("signing the certificate");
    return Certificate(cert.release());
}

namespace {

Error chain_error(int code, int depth)
{
    std::string where = " (certificate at depth " + std::to_string(depth) + "): ";
    std::string reason = X509_verify_cert_error_string(code);
    switch (code) {
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return { ErrorKind::CertificateNotValidAtIssue, "certificate chain not valid at signing time" + where + reason };
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
        return { ErrorKind::MalformedCertificate, "certificate has a malformed validity period" + where + reason };
    default: return { ErrorKind::UntrustedRoot, "certificate does not chain to the trusted root" + where + reason };
    }
}

}

Result<void> verify_certificate_chain(
    const Certificate& leaf, const Certificate& root, base::Timestamp at, const std::vector<Certificate>& intermediates)
{
    detail::X509Store store { X509_STORE_new() };
    if (!store || X509_STORE_add_cert(store.get(), root.native()) != 1)
        return crypto_failure("building the trust store");
    detail::X509Stack untrusted { sk_X509_new_null() };
    if (!untrusted)
        return crypto_failure("sk_X509_new_null");
    for (const auto& intermediate : intermediates) {
        if (sk_X509_push(untrusted.get(), intermediate.native()) <= 0)
            return crypto_failure("sk_X509_push");
    }
    detail::X509StoreCtx context { X509_STORE_CTX_new() };
    if (!context || X509_STORE_CTX_init(context.get(), store.get(), leaf.native(), untrusted.get()) != 1)
        return crypto_failure("X509_STORE_CTX_init");
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at.time_since_epoch().count()));
    int verdict = X509_verify_cert(context.get());
    if (verdict == 1)
        return {};
    int code = X509_STORE_CTX_get_error(context.get());
    int depth = X509_STORE_CTX_get_error_depth(context.get());
    ERR_clear_error();
    if (code == X509_V_OK)
        return crypto_failure("X509_verify_cert");
    return tl::make_unexpected(chain_error(code, depth));
}

}
