#include "test_https_server.h"

#include <chrono>

#include <cstring>
#include <sstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hondana/drm/crypto.h"

namespace hondana::test {

struct FileEntry {
    std::string bytes;
    std::string etag;
};

struct TestHttpsServer::Impl {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx { nullptr, SSL_CTX_free };
    std::mutex mutex;
    std::map<std::string, CannedResponse> responses;
    std::map<std::string, FileEntry> files;
    uint64_t drop_bytes { 0 };
    int drop_count { 0 };
    std::string server_time;
    std::string last_headers;
    std::vector<std::thread> connections;
};

namespace {

std::string lower(std::string text)
{
    for (auto& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

bool ssl_write_all(SSL* ssl, const char* data, size_t size)
{
    while (size > 0) {
        int n = SSL_write(ssl, data, static_cast<int>(std::min<size_t>(size, 1 << 20)));
        if (n <= 0)
            return false;
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

// Writes a body at most `rate` bytes per second (0: as fast as possible).
bool ssl_write_paced(SSL* ssl, const char* data, size_t size, uint64_t rate)
{
    if (rate == 0)
        return ssl_write_all(ssl, data, size);
    constexpr size_t chunk = 64 * 1024;
    auto start = std::chrono::steady_clock::now();
    for (size_t sent = 0; sent < size;) {
        size_t n = std::min(chunk, size - sent);
        if (!ssl_write_all(ssl, data + sent, n))
            return false;
        sent += n;
        std::this_thread::sleep_until(start + std::chrono::microseconds(sent * 1'000'000 / rate));
    }
    return true;
}

struct Request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;
    std::string raw_headers;
};

// Reads one request head (bodies are read and ignored by Content-Length).
bool read_request(SSL* ssl, std::string& buffer, Request& request)
{
    size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        char chunk[4096];
        int n = SSL_read(ssl, chunk, sizeof chunk);
        if (n <= 0 || buffer.size() > 64 * 1024)
            return false;
        buffer.append(chunk, static_cast<size_t>(n));
    }
    request.raw_headers = buffer.substr(0, end);
    std::istringstream lines(request.raw_headers);
    std::string line, version;
    std::getline(lines, line);
    std::istringstream(line) >> request.method >> request.path >> version;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        auto colon = line.find(':');
        if (colon != std::string::npos)
            request.headers[lower(line.substr(0, colon))] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    buffer.erase(0, end + 4);
    size_t length = request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
    while (buffer.size() < length) {
        char chunk[4096];
        int n = SSL_read(ssl, chunk, sizeof chunk);
        if (n <= 0)
            return false;
        buffer.append(chunk, static_cast<size_t>(n));
    }
    buffer.erase(0, length);
    return true;
}

}

TestHttpsServer::TestHttpsServer(const drm::PrivateKey& key, const std::string& certificate_chain_pem)
    : m_impl(std::make_unique<Impl>())
{
    // A client that hangs up mid-response must not kill the test with SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    m_impl->ctx.reset(SSL_CTX_new(TLS_server_method()));
    SSL_CTX* ctx = m_impl->ctx.get();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    auto pem = key.pkcs8_pem();
    std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())), BIO_free);
    EVP_PKEY* pkey = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
    std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
        BIO_new_mem_buf(certificate_chain_pem.data(), static_cast<int>(certificate_chain_pem.size())), BIO_free);
    X509* cert = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr);
    SSL_CTX_use_certificate(ctx, cert);
    SSL_CTX_use_PrivateKey(ctx, pkey);
    X509_free(cert);
    EVP_PKEY_free(pkey);

    m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(m_listener, 64);
    socklen_t size = sizeof address;
    ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &size);
    m_port = ntohs(address.sin_port);
    m_acceptor = std::thread([this] { accept_loop(); });
}

TestHttpsServer::~TestHttpsServer()
{
    m_stopping = true;
    ::shutdown(m_listener, SHUT_RDWR);
    m_acceptor.join();
    ::close(m_listener);
    std::vector<std::thread> connections;
    {
        std::lock_guard lock(m_impl->mutex);
        connections.swap(m_impl->connections);
    }
    for (auto& thread : connections)
        thread.join();
}

std::string TestHttpsServer::url(const std::string& path) const
{
    return "https://127.0.0.1:" + std::to_string(m_port) + path;
}

void TestHttpsServer::set_response(const std::string& path, CannedResponse response)
{
    std::lock_guard lock(m_impl->mutex);
    m_impl->responses[path] = std::move(response);
}

void TestHttpsServer::set_file(const std::string& path, std::string bytes)
{
    auto digest = drm::sha256(drm::as_bytes(bytes));
    std::lock_guard lock(m_impl->mutex);
    m_impl->files[path] = { std::move(bytes), "\"" + drm::hex_encode(digest) + "\"" };
}

void TestHttpsServer::set_body_rate(uint64_t bytes_per_second)
{
    m_body_rate = bytes_per_second;
}

void TestHttpsServer::drop_after(uint64_t bytes, int count)
{
    std::lock_guard lock(m_impl->mutex);
    m_impl->drop_bytes = bytes;
    m_impl->drop_count = count;
}

void TestHttpsServer::set_server_time(const std::string& rfc3339)
{
    std::lock_guard lock(m_impl->mutex);
    m_impl->server_time = rfc3339;
}

std::string TestHttpsServer::last_request_headers() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->last_headers;
}

void TestHttpsServer::accept_loop()
{
    while (!m_stopping) {
        int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (m_stopping)
                return;
            continue;
        }
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::lock_guard lock(m_impl->mutex);
        m_impl->connections.emplace_back([this, fd] { serve(fd); });
    }
}

// The head and body of the answer to `request` (under the lock); `drop` > 0
// closes the connection after that many body bytes.
TestHttpsServer::Answer TestHttpsServer::answer(const std::map<std::string, std::string>& headers, const std::string& path)
{
    std::lock_guard lock(m_impl->mutex);
    Answer out;
    auto file = m_impl->files.find(path);
    if (file == m_impl->files.end()) {
        auto canned = m_impl->responses.find(path);
        CannedResponse response = canned != m_impl->responses.end()
            ? canned->second
            : CannedResponse { 404, { { "Content-Type", "application/problem+json" } },
                  R"({"type":"urn:hondana:problem:not-found","title":"Not found","status":404})" };
        out.head = "HTTP/1.1 " + std::to_string(response.status) + " X\r\n";
        for (const auto& [name, value] : response.headers)
            out.head += name + ": " + value + "\r\n";
        out.head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
        out.body = std::move(response.body);
    } else {
        const auto& entry = file->second;
        auto range = headers.find("range");
        auto if_range = headers.find("if-range");
        bool ranged = range != headers.end() && range->second.starts_with("bytes=")
            && (if_range == headers.end() || if_range->second == entry.etag);
        uint64_t start = ranged ? std::stoull(range->second.substr(6)) : 0;
        if (ranged && start >= entry.bytes.size()) {
            out.head = "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" + std::to_string(entry.bytes.size())
                + "\r\nContent-Length: 0\r\n";
        } else {
            out.body = entry.bytes.substr(start);
            out.head = std::string(ranged ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n")
                + "Content-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\nETag: " + entry.etag
                + "\r\nContent-Length: " + std::to_string(out.body.size()) + "\r\n";
            if (ranged)
                out.head += "Content-Range: bytes " + std::to_string(start) + "-" + std::to_string(entry.bytes.size() - 1)
                    + "/" + std::to_string(entry.bytes.size()) + "\r\n";
            if (m_impl->drop_count > 0) {
                --m_impl->drop_count;
                out.drop = m_impl->drop_bytes;
            }
        }
    }
    if (!m_impl->server_time.empty())
        out.head += "X-Hondana-Time: " + m_impl->server_time + "\r\n";
    out.head += "\r\n";
    return out;
}

void TestHttpsServer::serve(int fd)
{
    timeval timeout { 10, 0 };
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(m_impl->ctx.get()), SSL_free);
    SSL_set_fd(ssl.get(), fd);
    std::string buffer;
    Request request;
    if (SSL_accept(ssl.get()) == 1) {
        while (!m_stopping && read_request(ssl.get(), buffer, request)) {
            ++m_requests;
            {
                std::lock_guard lock(m_impl->mutex);
                m_impl->last_headers = request.raw_headers;
            }
            auto out = answer(request.headers, request.path);
            size_t to_send = out.drop ? std::min<size_t>(out.body.size(), out.drop) : out.body.size();
            if (!ssl_write_all(ssl.get(), out.head.data(), out.head.size())
                || !ssl_write_paced(ssl.get(), out.body.data(), to_send, m_body_rate.load()))
                break;
            m_body_bytes += to_send;
            if (out.drop)
                break;
        }
    }
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
}

}
