#pragma once

// A small in-process HTTPS/1.1 server for reader tests and benchmarks, on
// 127.0.0.1 with a certificate from a TestPki: canned responses and files
// served with ETag and byte ranges (Range, If-Range, 206/416), keep-alive,
// and faults on demand (close the connection after N body bytes). It exists
// so sync/ can be tested against a real TLS peer without the lending service.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hondana/drm/keys.h"

namespace hondana::test {

struct CannedResponse {
    int status { 200 };
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

class TestHttpsServer {
public:
    // Starts listening; `certificate_chain_pem` is the leaf (and any intermediates).
    TestHttpsServer(const drm::PrivateKey& key, const std::string& certificate_chain_pem);
    ~TestHttpsServer();
    TestHttpsServer(const TestHttpsServer&) = delete;
    TestHttpsServer& operator=(const TestHttpsServer&) = delete;

    [[nodiscard]] uint16_t port() const { return m_port; }
    [[nodiscard]] std::string url(const std::string& path) const;

    void set_response(const std::string& path, CannedResponse response);
    // A file served with ETag = quoted hex SHA-256 and range support.
    void set_file(const std::string& path, std::string bytes);
    // The next `count` file responses close the connection after `bytes` body bytes.
    void drop_after(uint64_t bytes, int count);
    // Bodies are sent at most this fast (0: unthrottled), so a test can act mid-transfer.
    void set_body_rate(uint64_t bytes_per_second);
    // Every response carries X-Hondana-Time with this value (when set).
    void set_server_time(const std::string& rfc3339);

    [[nodiscard]] int requests() const { return m_requests.load(); }
    [[nodiscard]] uint64_t body_bytes_sent() const { return m_body_bytes.load(); }
    [[nodiscard]] std::string last_request_headers() const;

private:
    struct Impl;
    struct Answer {
        std::string head;
        std::string body;
        uint64_t drop { 0 };
    };
    Answer answer(const std::map<std::string, std::string>& headers, const std::string& path);
    void accept_loop();
    void serve(int fd);
    std::unique_ptr<Impl> m_impl;
    int m_listener { -1 };
    uint16_t m_port { 0 };
    std::atomic<bool> m_stopping { false };
    std::atomic<int> m_requests { 0 };
    std::atomic<uint64_t> m_body_bytes { 0 };
    std::atomic<uint64_t> m_body_rate { 0 };
    std::thread m_acceptor;
};

}
