#include "tls_client.h"

#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "hondana/drm/crypto.h"
#include "lending/devices.h"
#include "lending/totp.h"

namespace hondana::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

nlohmann::json HttpReply::json() const
{
    return nlohmann::json::parse(body, nullptr, false);
}

std::string HttpReply::problem() const
{
    auto document = json();
    if (document.is_discarded() || !document.is_object() || !document.contains("type") || !document["type"].is_string())
        return {};
    auto type = document["type"].get<std::string>();
    const std::string prefix = "urn:hondana:problem:";
    return type.rfind(prefix, 0) == 0 ? type.substr(prefix.size()) : type;
}

std::string HttpReply::header(const std::string& name) const
{
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
}

struct TlsClient::Context {
    net::ssl::context tls { net::ssl::context::tls_client };
};

struct TlsClient::Connection {
    net::io_context io;
    std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer;
};

TlsClient::TlsClient(const ServiceHarness& service, std::optional<DeviceCredentials> device)
    : m_service(service)
    , m_device(std::move(device))
{
}

TlsClient::~TlsClient() = default;

void TlsClient::disconnect()
{
    m_connection.reset();
}

std::string TlsClient::connect()
{
    if (!m_context) {
        auto context = std::make_unique<Context>();
        auto& tls = context->tls;
        tls.set_verify_mode(net::ssl::verify_peer);
        tls.load_verify_file(m_service.root_certificate().string());
        SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
        if (m_device) {
            tls.use_certificate(net::buffer(m_device->certificate_pem), net::ssl::context::pem);
            auto key_pem = m_device->key->pkcs8_pem();
            if (!key_pem)
                return "cannot encode the device key";
            tls.use_private_key(net::buffer(key_pem->data(), key_pem->size()), net::ssl::context::pem);
        }
        m_context = std::move(context);
    }
    auto connection = std::make_unique<Connection>();
    connection->stream.emplace(connection->io, m_context->tls);
    auto& stream = *connection->stream;
    stream.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), m_service.port()), ec);
    if (!ec)
        stream.handshake(net::ssl::stream_base::client, ec);
    if (ec)
        return "connect/handshake: " + ec.message();
    // The pin check the reader does: the server key must be one of the pinned keys.
    X509* peer = SSL_get1_peer_certificate(stream.native_handle());
    if (!peer)
        return "no server certificate";
    int size = i2d_X509(peer, nullptr);
    drm::Bytes der(static_cast<size_t>(size));
    unsigned char* out = der.data();
    i2d_X509(peer, &out);
    X509_free(peer);
    auto certificate = drm::Certificate::from_der(der);
    auto pin = certificate ? certificate->public_key().spki_sha256_pin() : std::string();
    const auto& pins = m_service.pins();
    if (std::find(pins.begin(), pins.end(), pin) == pins.end())
        return "server key does not match the pins";
    m_connection = std::move(connection);
    ++m_connections;
    return {};
}

HttpReply TlsClient::request(const std::string& method, const std::string& target, const std::string& body,
    const std::string& bearer, const std::map<std::string, std::string>& headers)
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool fresh = false;
        if (!m_connection) {
            if (auto failure = connect(); !failure.empty())
                return { 0, {}, failure };
            fresh = true;
        }
        auto& stream = *m_connection->stream;
        bhttp::request<bhttp::string_body> request { bhttp::string_to_verb(method), target, 11 };
        request.set(bhttp::field::host, "127.0.0.1");
        if (!body.empty())
            request.set(bhttp::field::content_type, "application/json");
        if (!bearer.empty())
            request.set(bhttp::field::authorization, "Bearer " + bearer);
        for (const auto& [name, value] : headers)
            request.set(name, value);
        request.body() = body;
        request.prepare_payload();
        beast::error_code ec;
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(60));
        bhttp::write(stream, request, ec);
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(256 * 1024 * 1024);
        if (!ec)
            bhttp::read(stream, m_connection->buffer, parser, ec);
        if (ec) {
            m_connection.reset();
            if (!fresh)
                continue; // the server closed an idle keep-alive connection: retry once on a new one
            return { 0, {}, "request: " + ec.message() };
        }
        auto response = parser.release();
        HttpReply reply { response.result_int(), {}, std::move(response.body()) };
        for (const auto& field : response) {
            std::string name(field.name_string());
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            reply.headers[name] = std::string(field.value());
        }
        if (!response.keep_alive())
            m_connection.reset();
        return reply;
    }
    return { 0, {}, "request failed twice" };
}

DeviceCredentials enrol_device(const ServiceHarness& service, const HarnessDevice& device)
{
    auto key = drm::PrivateKey::generate_p256();
    if (!key)
        throw std::runtime_error("key generation failed");
    auto proof = drm::sign_ecdsa_sha256(
        *key, drm::as_bytes(lending::enrolment_proof_message(device.id, device.enrolment_code)));
    if (!proof)
        throw std::runtime_error("signing the proof failed");
    TlsClient anonymous(service);
    auto reply = anonymous.post("/v1/devices/enrol",
        { { "device_id", device.id }, { "enrolment_code", device.enrolment_code },
            { "public_key", drm::base64_encode(key->public_key().spki_der()) },
            { "proof", drm::base64_encode(*proof) } });
    if (reply.status != 200)
        throw std::runtime_error(
            "enrolment of " + device.id + " failed: " + std::to_string(reply.status) + " " + reply.body);
    return { device.id, std::make_shared<drm::PrivateKey>(std::move(*key)),
        reply.json()["device_certificate"].get<std::string>() };
}

std::string totp_now(const std::string& secret_base32, int offset_steps)
{
    auto secret = lending::base32_decode(secret_base32);
    auto step = lending::totp_step(base::now_utc()) + offset_steps;
    return secret ? lending::totp_code(*secret, step).value_or("") : std::string();
}

HttpReply sign_in(TlsClient& client, const HarnessUser& user, std::optional<std::string> totp)
{
    nlohmann::json body = { { "login_id", user.login_id }, { "password", user.password } };
    if (totp)
        body["totp"] = *totp;
    return client.post("/v1/auth/login", body);
}

}
