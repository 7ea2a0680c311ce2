#pragma once

// A reader of the service's event stream (GET /v1/events, server-sent
// events) for integration tests: one mTLS connection presenting a device
// certificate, verified against the tenant root, parsed event by event.
// Waiting never closes the connection: a wait that times out leaves the
// stream open, so a test can wait again.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tls_client.h"

namespace hondana::test {

struct SseEvent {
    std::string id; // empty when the event carried none
    std::string type;
    std::string data;
    [[nodiscard]] nlohmann::json json() const { return nlohmann::json::parse(data, nullptr, false); }
};

class EventStreamClient {
public:
    EventStreamClient(const ServiceHarness& service, DeviceCredentials device);
    ~EventStreamClient();
    EventStreamClient(const EventStreamClient&) = delete;
    EventStreamClient& operator=(const EventStreamClient&) = delete;

    // Opens GET /v1/events; the reply's status and headers (and body, when it
    // is not a stream). On 200 the stream stays open for next().
    HttpReply open(const std::string& bearer, const std::optional<std::string>& last_event_id = std::nullopt);
    // The next event, or nothing when `timeout` passes or the stream ends.
    std::optional<SseEvent> next(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    // Reads events until one of `type` comes (returned; the ones before are in
    // skipped()), or nothing after `timeout` / the end of the stream.
    std::optional<SseEvent> wait_for(
        const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(20));
    [[nodiscard]] const std::vector<SseEvent>& skipped() const { return m_skipped; }
    // The id of the last event that carried one (what Last-Event-ID resumes from).
    [[nodiscard]] const std::string& last_event_id() const { return m_last_id; }
    [[nodiscard]] int comments() const { return m_comments; }
    [[nodiscard]] bool ended() const { return m_ended; }
    // Drops the connection without a TLS close (a tablet losing its network).
    void drop();

private:
    struct Connection;
    bool read_more(std::chrono::steady_clock::time_point deadline);
    std::optional<SseEvent> parse_one();

    const ServiceHarness& m_service;
    DeviceCredentials m_device;
    std::unique_ptr<Connection> m_connection;
    std::string m_buffer;
    std::string m_last_id;
    std::vector<SseEvent> m_skipped;
    int m_comments { 0 };
    bool m_ended { false };
};

}
