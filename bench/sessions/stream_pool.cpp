#include "stream_pool.h"

#include <array>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

namespace hondana::bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using X509Handle = std::unique_ptr<X509, X509Free>;
using KeyHandle = std::unique_ptr<EVP_PKEY, KeyFree>;
using BioHandle = std::unique_ptr<BIO, BioFree>;

BioHandle memory_bio(const void* data, size_t size)
{
    return BioHandle(BIO_new_mem_buf(data, static_cast<int>(size)));
}

}

struct StreamPool::Connection {
    Connection(size_t stream_index, net::io_context& io, net::ssl::context& tls)
        : index(stream_index)
        , stream(io, tls)
    {
    }
    size_t index;
    net::ssl::stream<tcp::socket> stream;
    std::string request;
    std::array<char, 2048> chunk {};
    std::string pending;
    bool head_done { false };
    bool synced { false };
};

struct StreamPool::Impl {
    net::io_context io { 1 };
    net::ssl::context tls { net::ssl::context::tls_client };
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    std::thread thread;
    std::vector<X509Handle> certificates;
    std::vector<KeyHandle> keys;
    std::vector<std::shared_ptr<Connection>> connections;
    tcp::endpoint endpoint;
    std::mutex mutex;
};

StreamPool::StreamPool(const test::ServiceHarness& service, std::vector<StreamTarget> targets, EventObserver observer)
    : m_impl(std::make_unique<Impl>())
    , m_targets(std::move(targets))
    , m_observer(std::move(observer))
{
    auto& impl = *m_impl;
    impl.tls.set_verify_mode(net::ssl::verify_peer);
    impl.tls.load_verify_file(service.root_certificate().string());
    SSL_CTX_set_min_proto_version(impl.tls.native_handle(), TLS1_2_VERSION);
    // Idle streams keep no record buffers (the service does the same).
    SSL_CTX_set_mode(impl.tls.native_handle(), SSL_MODE_RELEASE_BUFFERS);
    impl.endpoint = tcp::endpoint(net::ip::make_address("127.0.0.1"), service.port());
    for (const auto& target : m_targets) {
        const auto& pem = target.device.certificate_pem;
        auto bio = memory_bio(pem.data(), pem.size());
        impl.certificates.emplace_back(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        auto key_pem = target.device.key->pkcs8_pem();
        if (!key_pem)
            throw std::runtime_error("cannot encode a device key");
        auto key_bio = memory_bio(key_pem->data(), key_pem->size());
        impl.keys.emplace_back(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
        if (!impl.certificates.back() || !impl.keys.back())
            throw std::runtime_error("cannot load a device certificate or key");
    }
    impl.connections.resize(m_targets.size());
    impl.work.emplace(impl.io.get_executor());
    impl.thread = std::thread([&impl] { impl.io.run(); });
}

StreamPool::~StreamPool()
{
    close_all();
}

void StreamPool::open_all(size_t in_flight, std::chrono::seconds timeout)
{
    for (size_t i = 0; i < in_flight; ++i)
        net::post(m_impl->io, [this] { start_next(); });
    auto deadline = Clock::now() + timeout;
    while (m_opened + m_failed < m_targets.size() && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

void StreamPool::close_all()
{
    auto& impl = *m_impl;
    if (!impl.thread.joinable())
        return;
    net::post(impl.io, [&impl] {
        for (auto& connection : impl.connections) {
            if (!connection)
                continue;
            boost::system::error_code ignored;
            connection->stream.lowest_layer().close(ignored);
        }
    });
    impl.work.reset();
    impl.io.stop();
    impl.thread.join();
    impl.connections.clear();
}

void StreamPool::start_next()
{
    auto index = m_next++;
    if (index < m_targets.size())
        connect(index);
}

void StreamPool::fail(Connection& connection, const std::string& why)
{
    if (connection.synced) {
        ++m_ended;
        return;
    }
    {
        std::lock_guard lock(m_impl->mutex);
        if (m_first_error.empty())
            m_first_error = "stream " + std::to_string(connection.index) + ": " + why;
    }
    ++m_failed;
    boost::system::error_code ignored;
    connection.stream.lowest_layer().close(ignored);
    start_next();
}

void StreamPool::connect(size_t index)
{
    auto& impl = *m_impl;
    auto connection = std::make_shared<Connection>(index, impl.io, impl.tls);
    impl.connections[index] = connection;
    SSL* ssl = connection->stream.native_handle();
    SSL_use_certificate(ssl, impl.certificates[index].get());
    SSL_use_PrivateKey(ssl, impl.keys[index].get());
    connection->request = "GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                          "Authorization: Bearer "
        + m_targets[index].access_token + "\r\n\r\n";
    connection->stream.lowest_layer().async_connect(
        impl.endpoint, [this, connection](boost::system::error_code connected) {
            if (connected)
                return fail(*connection, "connect: " + connected.message());
            connection->stream.async_handshake(
                net::ssl::stream_base::client, [this, connection](boost::system::error_code shaken) {
                    if (shaken)
                        return fail(*connection, "handshake: " + shaken.message());
                    net::async_write(connection->stream, net::buffer(connection->request),
                        [this, connection](boost::system::error_code ec, size_t) {
                            if (ec)
                                return fail(*connection, "request: " + ec.message());
                            std::string().swap(connection->request);
                            read(connection);
                        });
                });
        });
}

void StreamPool::read(const std::shared_ptr<Connection>& connection)
{
    connection->stream.async_read_some(
        net::buffer(connection->chunk), [this, connection](boost::system::error_code ec, size_t got) {
            if (ec)
                return fail(*connection, "read: " + ec.message());
            connection->pending.append(connection->chunk.data(), got);
            consume(*connection);
            if (connection->stream.lowest_layer().is_open())
                read(connection);
        });
}

void StreamPool::consume(Connection& connection)
{
    auto now = Clock::now();
    auto& text = connection.pending;
    if (!connection.head_done) {
        auto end = text.find("\r\n\r\n");
        if (end == std::string::npos)
            return;
        if (text.rfind("HTTP/1.1 200", 0) != 0)
            return fail(connection, text.substr(0, text.find("\r\n")) + " " + text.substr(end + 4, 200));
        connection.head_done = true;
        text.erase(0, end + 4);
    }
    size_t at = 0;
    for (auto end = text.find("\n\n", at); end != std::string::npos; end = text.find("\n\n", at)) {
        std::string_view block(text.data() + at, end - at);
        at = end + 2;
        if (block.empty() || block[0] == ':') {
            ++m_heartbeats;
            continue;
        }
        auto field = [&](std::string_view name) {
            auto found = block.find(name);
            if (found == std::string_view::npos)
                return std::string_view();
            auto value = block.substr(found + name.size());
            return value.substr(0, value.find('\n'));
        };
        auto type = field("event: ");
        if (type == "sync" && !connection.synced) {
            connection.synced = true;
            ++m_opened;
            start_next();
            continue;
        }
        ++m_events;
        if (m_observer)
            m_observer(connection.index, type, field("data: "), now);
    }
    text.erase(0, at);
    if (text.capacity() > 4096 && text.size() < 1024)
        text.shrink_to_fit();
}

}
