#pragma once

// The server's TLS context (REQ NET-3, CRY-1): TLS 1.2 and 1.3 only, and only
// CRYPTREC-listed suites: ECDHE with AES-GCM or AES-CCM under TLS 1.2, the
// AES-GCM and AES-CCM suites of TLS 1.3, groups P-256 and P-384. No
// renegotiation, no compression, no session tickets. Client certificates
// are requested (not required: enrolment and health checks come without
// one) and verified against the device CA; the route decides what a missing
// or rejected certificate means.

#include <filesystem>
#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "http/error.h"

namespace hondana::http {

// The suites, as OpenSSL names them (the same list is in docs/protocol.md).
inline constexpr const char* tls12_cipher_list = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                                                 "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
                                                 "ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM";
inline constexpr const char* tls13_suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256";
inline constexpr const char* tls_groups = "P-256:P-384";
// ECDSA and RSA (PSS and PKCS#1 v1.5) with SHA-2 only: no SHA-1.
inline constexpr const char* tls_signature_algorithms = "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:rsa_pss_rsae_sha256:"
                                                        "rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:RSA+SHA256:RSA+SHA384:"
                                                        "RSA+SHA512";

struct TlsFiles {
    std::filesystem::path certificate_chain; // PEM: the server certificate (then any intermediates)
    std::filesystem::path private_key;       // PEM
    std::filesystem::path client_ca;         // PEM bundle the device certificates chain to
};

[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(const TlsFiles& files);

}
