#include <mutex>

#include "curl_handles.h"

namespace hondana::sync::detail {

namespace {

// docs/protocol.md, Transport.
constexpr const char* tls12_ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                                      "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
                                      "ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM";
constexpr const char* tls13_suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256";
constexpr const char* curves = "P-256:P-384";

std::string pinned_keys(const std::vector<std::string>& pins)
{
    std::string text;
    for (const auto& pin : pins)
        text += (text.empty() ? "sha256//" : ";sha256//") + pin;
    return text;
}

bool contains(const char* text, const char* needle)
{
    return std::string_view(text).find(needle) != std::string_view::npos;
}

}

void ensure_curl_global()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<Easy> make_policy_handle(const TlsConfig& config, char* error_buffer)
{
    ensure_curl_global();
    if (config.pins.size() < 2 || config.root_pem.empty())
        return fail(ErrorKind::InvalidArgument, "the TLS policy needs two pins and the tenant root");
    Easy curl(curl_easy_init());
    if (!curl)
        return fail(ErrorKind::InvalidArgument, "curl_easy_init failed");
    CURL* h = curl.get();
    auto pins = pinned_keys(config.pins);
    curl_blob root { const_cast<char*>(config.root_pem.data()), config.root_pem.size(), CURL_BLOB_COPY };
    bool ok = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_PROXY, "") == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_SSL_CIPHER_LIST, tls12_ciphers) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_TLS13_CIPHERS, tls13_suites) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_SSL_EC_CURVES, curves) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_CAINFO, nullptr) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_CAPATH, nullptr) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &root) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, pins.c_str()) == CURLE_OK
        && curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout.count() * 1000))
            == CURLE_OK;
    if (ok && config.client_certificate_pem && config.client_key_pem) {
        curl_blob cert { const_cast<char*>(config.client_certificate_pem->data()), config.client_certificate_pem->size(),
            CURL_BLOB_COPY };
        // The key stays in our wiped buffer (NOCOPY); the config outlives the handle.
        curl_blob key { const_cast<uint8_t*>(config.client_key_pem->data()), config.client_key_pem->size(),
            CURL_BLOB_NOCOPY };
        ok = curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert) == CURLE_OK
            && curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM") == CURLE_OK
            && curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key) == CURLE_OK
            && curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM") == CURLE_OK;
    }
    if (!ok)
        return fail(ErrorKind::InvalidArgument, "this libcurl cannot apply the TLS policy (it needs 7.85 or newer "
                                                "with OpenSSL): " + std::string(error_buffer));
    return curl;
}

Error classify_curl_error(CURLcode code, const char* error_buffer, const std::string& url)
{
    std::string detail = *error_buffer ? error_buffer : curl_easy_strerror(code);
    auto error = [&](ErrorKind kind, const std::string& what) { return Error { kind, what + " (" + url + "): " + detail }; };
    switch (code) {
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return error(ErrorKind::PinMismatch, "the server's key matches none of the pinned keys");
    case CURLE_PEER_FAILED_VERIFICATION:
        return error(ErrorKind::UntrustedCertificate, "the server's certificate does not chain to the tenant root");
    case CURLE_SSL_CONNECT_ERROR:
        if (contains(detail.c_str(), "protocol version") || contains(detail.c_str(), "unsupported protocol")
            || contains(detail.c_str(), "wrong version number"))
            return error(ErrorKind::TlsProtocolVersion, "the server does not speak TLS 1.2 or newer");
        if (contains(detail.c_str(), "handshake failure") || contains(detail.c_str(), "no shared cipher")
            || contains(detail.c_str(), "no cipher") || contains(detail.c_str(), "insufficient security"))
            return error(ErrorKind::TlsNoCommonCipher,
                "the server offers no CRYPTREC cipher suite or curve (AES-GCM/CCM with ECDHE on P-256/P-384)");
        return error(ErrorKind::TlsHandshake, "the TLS handshake failed");
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
        return error(ErrorKind::TlsHandshake, "the TLS handshake failed");
    case CURLE_OPERATION_TIMEDOUT:
        return error(ErrorKind::Timeout, "the request timed out");
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:
        return error(ErrorKind::Cancelled, "the transfer was stopped");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return error(ErrorKind::InvalidArgument, "the URL is not usable");
    default:
        return error(ErrorKind::Unreachable, "the service could not be reached");
    }
}

}
