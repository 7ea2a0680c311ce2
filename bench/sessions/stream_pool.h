#pragma once

// Many event streams (GET /v1/events) held open at once over real mTLS, each
// presenting its own tablet's certificate, on one client thread (Asio). Every
// event that arrives is handed to an observer with its arrival time; comment
// lines (heartbeats) are counted.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "service_harness.h"
#include "tls_client.h"

namespace hondana::bench {

using Clock = std::chrono::steady_clock;

struct StreamTarget {
    test::DeviceCredentials device;
    std::string access_token;
};

// Called on the client thread; must not block.
using EventObserver
    = std::function<void(size_t stream, std::string_view type, std::string_view data, Clock::time_point)>;

class StreamPool {
public:
    // Throws std::runtime_error when the TLS context or a device key cannot be loaded.
    StreamPool(const test::ServiceHarness& service, std::vector<StreamTarget> targets, EventObserver observer);
    ~StreamPool();
    StreamPool(const StreamPool&) = delete;
    StreamPool& operator=(const StreamPool&) = delete;

    // Opens every stream, at most `in_flight` connecting at once; returns when
    // all are open (200 and the sync event read) or failed, or `timeout` passes.
    void open_all(size_t in_flight, std::chrono::seconds timeout);
    // Closes every stream and stops the client thread.
    void close_all();

    [[nodiscard]] size_t opened() const { return m_opened; }
    [[nodiscard]] size_t failed() const { return m_failed; }
    // Streams that ended after they opened (the service closed them, or an error).
    [[nodiscard]] size_t ended() const { return m_ended; }
    [[nodiscard]] size_t heartbeats() const { return m_heartbeats; }
    [[nodiscard]] size_t events() const { return m_events; }
    [[nodiscard]] const std::string& first_error() const { return m_first_error; }

private:
    struct Impl;
    struct Connection;
    void start_next();
    void connect(size_t index);
    void read(const std::shared_ptr<Connection>& connection);
    void consume(Connection& connection);
    void fail(Connection& connection, const std::string& why);

    std::unique_ptr<Impl> m_impl;
    std::vector<StreamTarget> m_targets;
    EventObserver m_observer;
    std::atomic<size_t> m_next { 0 };
    std::atomic<size_t> m_opened { 0 };
    std::atomic<size_t> m_failed { 0 };
    std::atomic<size_t> m_ended { 0 };
    std::atomic<size_t> m_heartbeats { 0 };
    std::atomic<size_t> m_events { 0 };
    std::string m_first_error;
};

}
