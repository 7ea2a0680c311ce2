#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace hondana::http {

namespace {

std::string openssl_error_text()
{
    std::string text;
    unsigned long code = 0;
    while ((code = ERR_get_error()) != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty())
            text += "; ";
        text += buffer;
    }
    return text;
}

// Accepts the handshake whatever the client certificate's verification says;
// the session reads SSL_get_verify_result and the route refuses. This keeps
// a bad certificate an HTTP answer (device-unknown) instead of a bare alert.
int accept_and_record(int, X509_STORE_CTX*)
{
    return 1;
}

}

Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const TlsFiles& files)
{
    namespace ssl = boost::asio::ssl;
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* native = context->native_handle();
    SSL_CTX_set_options(native,
        SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_COMPRESSION
            | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1
        || SSL_CTX_set_cipher_list(native, tls12_cipher_list) != 1
        || SSL_CTX_set_ciphersuites(native, tls13_suites) != 1 || SSL_CTX_set1_groups_list(native, tls_groups) != 1
        || SSL_CTX_set1_sigalgs_list(native, tls_signature_algorithms) != 1)
        return fail(ErrorKind::Tls, "cannot restrict TLS versions and suites: " + openssl_error_text());
    if (SSL_CTX_use_certificate_chain_file(native, files.certificate_chain.c_str()) != 1)
        return fail(ErrorKind::Tls, "cannot load " + files.certificate_chain.string() + ": " + openssl_error_text());
    if (SSL_CTX_use_PrivateKey_file(native, files.private_key.c_str(), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(native) != 1)
        return fail(ErrorKind::Tls, "cannot load " + files.private_key.string() + ": " + openssl_error_text());
    if (SSL_CTX_load_verify_locations(native, files.client_ca.c_str(), nullptr) != 1)
        return fail(ErrorKind::Tls, "cannot load " + files.client_ca.string() + ": " + openssl_error_text());
    if (auto* names = SSL_load_client_CA_file(files.client_ca.c_str()))
        SSL_CTX_set_client_CA_list(native, names);
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER, accept_and_record);
    SSL_CTX_set_verify_depth(native, 3);
    // One context per process: a session id context is needed for session resumption with client certificates.
    static const unsigned char session_context[] = "hondana-lending";
    SSL_CTX_set_session_id_context(native, session_context, sizeof session_context - 1);
    return context;
}

}
