#pragma once

// A tenant PKI, a pinned server key and a TLS config for sync tests.

#include "hondana/sync/http_client.h"
#include "temp_dir.h"
#include "test_pki.h"

namespace hondana::test {

struct TlsFixture {
    TempDir dir;
    TestPki pki = TestPki::create();
    drm::PrivateKey server_key = *drm::PrivateKey::generate_p256();
    drm::Certificate server_cert = pki.server_certificate(server_key, "127.0.0.1");
    std::string backup_pin = drm::PrivateKey::generate_p256()->public_key().spki_sha256_pin();

    sync::TlsConfig config(uint16_t port) const
    {
        sync::TlsConfig config;
        config.pins = { server_key.public_key().spki_sha256_pin(), backup_pin };
        config.root_pem = pki.root.pem();
        config.allowed_hosts = { { "127.0.0.1", port } };
        config.timeout = std::chrono::seconds(20);
        config.connect_timeout = std::chrono::seconds(5);
        return config;
    }
};

inline sync::RetryPolicy quick_retries()
{
    return { 3, std::chrono::milliseconds(10), std::chrono::milliseconds(50), std::chrono::seconds(1) };
}

}
