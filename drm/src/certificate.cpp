#include "hondana/drm/keys.h"

#include <cstdlib>
#include <ctime>
#include <limits>

#include <openssl/pem.h>

#include "pki_handles.h"

namespace hondana::drm {

using detail::crypto_failure;

namespace {

std::optional<base::Timestamp> asn1_time_to_timestamp(const ASN1_TIME* time)
{
    std::tm parts {};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return std::nullopt;
    using namespace std::chrono;
    year_month_day date { year { parts.tm_year + 1900 }, month { static_cast<unsigned>(parts.tm_mon + 1) },
        day { static_cast<unsigned>(parts.tm_mday) } };
    if (!date.ok())
        return std::nullopt;
    return sys_days(date) + hours { parts.tm_hour } + minutes { parts.tm_min } + seconds { parts.tm_sec };
}

// A parsed certificate is usable only when its key and validity decode, so
// the accessors below never fail.
Result<Certificate> checked(X509* raw)
{
    Certificate cert(raw);
    if (!X509_get0_pubkey(raw)) {
        ERR_clear_error();
        return fail(ErrorKind::MalformedCertificate, "certificate has a public key we cannot read");
    }
    if (!asn1_time_to_timestamp(X509_get0_notBefore(raw)) || !asn1_time_to_timestamp(X509_get0_notAfter(raw)))
        return fail(ErrorKind::MalformedCertificate, "certificate has an unreadable validity period");
    return cert;
}

}

Certificate::Certificate(x509_st* cert)
    : m_cert(cert, X509_free)
{
}

Result<Certificate> Certificate::from_der(ByteView der)
{
    if (der.empty() || der.size() > static_cast<size_t>(std::numeric_limits<long>::max()))
        return fail(ErrorKind::MalformedCertificate, "certificate DER is empty");
    const uint8_t* cursor = der.data();
    X509* raw = d2i_X509(nullptr, &cursor, static_cast<long>(der.size()));
    if (!raw) {
        ERR_clear_error();
        return fail(ErrorKind::MalformedCertificate, "bytes are not a DER X.509 certificate");
    }
    if (cursor != der.data() + der.size()) {
        X509_free(raw);
        return fail(ErrorKind::MalformedCertificate, "certificate DER has trailing bytes");
    }
    return checked(raw);
}

Result<Certificate> Certificate::from_pem(std::string_view pem)
{
    auto all = TRY(all_from_pem(pem));
    if (all.empty())
        return fail(ErrorKind::MalformedCertificate, "text holds no PEM certificate");
    return all.front();
}

Result<std::vector<Certificate>> Certificate::all_from_pem(std::string_view pem)
{
    auto bio = detail::memory_bio(pem.data(), pem.size());
    if (!bio)
        return crypto_failure("BIO_new_mem_buf");
    std::vector<Certificate> out;
    while (true) {
        X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
        if (!raw)
            break;
        out.push_back(TRY(checked(raw)));
    }
    unsigned long error = ERR_peek_last_error();
    bool clean_end = ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
    ERR_clear_error();
    if (!clean_end && error != 0)
        return fail(ErrorKind::MalformedCertificate, "PEM bundle holds a certificate that does not parse");
    return out;
}

Bytes Certificate::der() const
{
    int length = i2d_X509(m_cert.get(), nullptr);
    if (length <= 0)
        std::abort(); // a parsed certificate always re-encodes; only allocation can fail
    Bytes out(static_cast<size_t>(length));
    uint8_t* cursor = out.data();
    i2d_X509(m_cert.get(), &cursor);
    return out;
}

std::string Certificate::pem() const
{
    detail::Bio bio { BIO_new(BIO_s_mem()) };
    if (!bio || PEM_write_bio_X509(bio.get(), m_cert.get()) != 1)
        std::abort(); // only allocation can fail here
    return detail::bio_text(bio.get());
}

PublicKey Certificate::public_key() const
{
    // `checked` made sure the key decodes.
    return PublicKey(X509_get_pubkey(m_cert.get()));
}

std::string Certificate::subject_common_name() const
{
    X509_NAME* name = X509_get_subject_name(m_cert.get());
    int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0)
        return {};
    unsigned char* utf8 = nullptr;
    int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
    if (length < 0) {
        ERR_clear_error();
        return {};
    }
    std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
    OPENSSL_free(utf8);
    return out;
}

std::string Certificate::serial_hex() const
{
    detail::Bignum serial { ASN1_INTEGER_to_BN(X509_get0_serialNumber(m_cert.get()), nullptr) };
    if (!serial)
        std::abort(); // only allocation can fail here
    Bytes bytes(static_cast<size_t>(BN_num_bytes(serial.get())));
    BN_bn2bin(serial.get(), bytes.data());
    return hex_encode(bytes);
}

base::Timestamp Certificate::not_before() const
{
    return asn1_time_to_timestamp(X509_get0_notBefore(m_cert.get())).value_or(base::Timestamp {});
}

base::Timestamp Certificate::not_after() const
{
    return asn1_time_to_timestamp(X509_get0_notAfter(m_cert.get())).value_or(base::Timestamp {});
}

bool Certificate::has_extended_key_usage(std::string_view oid) const
{
    int critical = 0;
    detail::ExtendedKeyUsage usages { static_cast<EXTENDED_KEY_USAGE*>(
        X509_get_ext_d2i(m_cert.get(), NID_ext_key_usage, &critical, nullptr)) };
    std::string text(oid);
    detail::Asn1Object wanted { OBJ_txt2obj(text.c_str(), 1) };
    ERR_clear_error();
    if (!usages || !wanted)
        return false;
    for (int i = 0; i < sk_ASN1_OBJECT_num(usages.get()); ++i) {
        if (OBJ_cmp(sk_ASN1_OBJECT_value(usages.get(), i), wanted.get()) == 0)
            return true;
    }
    return false;
}

}
