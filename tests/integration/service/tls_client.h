#pragma once

// A real HTTPS client for the service's integration tests: Boost.Beast over
// OpenSSL, verifying the server against the tenant root and its pins,
// optionally presenting a device certificate (mTLS), keeping the connection
// alive between requests and reconnecting when the server closed it.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hondana/drm/keys.h"
#include "service_harness.h"

namespace hondana::test {

struct HttpReply {
    unsigned status { 0 };                      // 0: the connection failed (body says why)
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;

    [[nodiscard]] nlohmann::json json() const;
    // The problem type after urn:hondana:problem:, or "" when the body is not a problem.
    [[nodiscard]] std::string problem() const;
    [[nodiscard]] std::string header(const std::string& name) const;
};

struct DeviceCredentials {
    std::string device_id;
    std::shared_ptr<drm::PrivateKey> key;
    std::string certificate_pem;
};

class TlsClient {
public:
    explicit TlsClient(const ServiceHarness& service, std::optional<DeviceCredentials> device = std::nullopt);
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    HttpReply request(const std::string& method, const std::string& target, const std::string& body = {},
        const std::string& bearer = {}, const std::map<std::string, std::string>& headers = {});
    HttpReply get(const std::string& target, const std::string& bearer = {})
    {
        return request("GET", target, {}, bearer);
    }
    HttpReply post(const std::string& target, const nlohmann::json& body, const std::string& bearer = {})
    {
        return request("POST", target, body.is_null() ? std::string() : body.dump(), bearer);
    }

    // Drops the connection; the next request opens a new one.
    void disconnect();
    // How many TLS connections this client opened.
    [[nodiscard]] int connections_opened() const { return m_connections; }

private:
    struct Connection;
    struct Context;
    std::string connect();
    const ServiceHarness& m_service;
    std::optional<DeviceCredentials> m_device;
    std::unique_ptr<Context> m_context; // TLS settings, certificate and key: loaded once, reused per connection
    std::unique_ptr<Connection> m_connection;
    int m_connections { 0 };
};

// Enrols a harness device with a fresh P-256 key (throws std::runtime_error on failure).
DeviceCredentials enrol_device(const ServiceHarness& service, const HarnessDevice& device);

// The TOTP code for a base32 secret at now + offset steps (SHA-256, 6 digits).
std::string totp_now(const std::string& secret_base32, int offset_steps = 0);

// Signs in and returns the reply (200 with tokens, or a problem).
HttpReply sign_in(TlsClient& client, const HarnessUser& user, std::optional<std::string> totp = std::nullopt);

}
