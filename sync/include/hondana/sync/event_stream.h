#pragma once

// The class-session event stream (GET /v1/events, issue 6): server-sent
// events (WHATWG HTML, "Server-sent events") over one long-lived HTTPS
// connection with the same TLS policy as every other call (http_client.h).
//
//  - SseParser turns bytes into events. It takes any split of the input,
//    LF, CR or CRLF line ends and a leading BOM; it ignores comments and
//    unknown fields as the standard says; lines and events have hard size
//    limits (over one: MalformedResponse, and the connection is dropped).
//  - ReconnectBackoff: exponential backoff with full jitter, so a whole
//    school does not reconnect in the same second; reset once a connection
//    has delivered something.
//  - EventStream runs the connection on its own thread: it reconnects after a
//    drop, an idle timeout (no byte — not even the service's heartbeat
//    comment — for `idle_timeout`) or the service ending the stream, and
//    resumes with Last-Event-ID so nothing is missed.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "hondana/sync/http_client.h"

namespace hondana::sync {

// One dispatched event.
struct SseEvent {
    std::string id;   // the stream's last event ID when it was dispatched (may be empty)
    std::string type; // "message" when the event named none
    std::string data; // data lines joined with "\n"
};

struct SseLimits {
    size_t max_line { 64 * 1024 };
    size_t max_event { 256 * 1024 };
};

class SseParser {
public:
    explicit SseParser(SseLimits limits = {});

    // Parses `bytes` (any split); appends complete events to `out`. After an
    // error the parser stays failed until reset().
    [[nodiscard]] Result<void> feed(std::string_view bytes, std::vector<SseEvent>& out);
    // Forgets a partial line and event (a new connection); keeps the last event ID.
    void reset();

    [[nodiscard]] const std::string& last_event_id() const { return m_last_event_id; }
    void set_last_event_id(std::string id) { m_last_event_id = std::move(id); }
    // The reconnection time the stream asked for with `retry:`, if any.
    [[nodiscard]] std::optional<std::chrono::milliseconds> retry() const { return m_retry; }
    // Lines seen so far, comments (heartbeats) included.
    [[nodiscard]] uint64_t lines() const { return m_lines; }

private:
    [[nodiscard]] Result<void> line(std::string_view text, std::vector<SseEvent>& out);
    void field(std::string_view name, std::string_view value);

    SseLimits m_limits;
    std::string m_line;
    bool m_after_cr { false };
    bool m_started { false }; // past a possible BOM
    bool m_failed { false };
    std::string m_data;
    bool m_has_data { false };
    std::string m_type;
    std::string m_last_event_id;
    std::optional<std::chrono::milliseconds> m_retry;
    uint64_t m_lines { 0 };
};

// Exponential backoff with full jitter: the n-th delay is uniform in
// [0, min(max, base * 2^n)]. `random` (tests inject one) gives uniform 64-bit values.
class ReconnectBackoff {
public:
    using Random = std::function<uint64_t()>;
    ReconnectBackoff(std::chrono::milliseconds base, std::chrono::milliseconds max, Random random = {});

    [[nodiscard]] std::chrono::milliseconds next();
    // The ceiling the next delay is drawn under.
    [[nodiscard]] std::chrono::milliseconds ceiling() const;
    void reset() { m_attempt = 0; }
    // The stream's `retry:` replaces the base (bounded by max).
    void set_base(std::chrono::milliseconds base);
    [[nodiscard]] int attempt() const { return m_attempt; }

private:
    std::chrono::milliseconds m_base;
    std::chrono::milliseconds m_max;
    Random m_random;
    int m_attempt { 0 };
};

// Where and as whom to connect (asked before every connection, so a fresh
// access token is used after the old one expired).
struct StreamAccess {
    std::string url; // https://…/v1/events
    std::string access_token;
};

struct EventStreamOptions {
    std::chrono::seconds idle_timeout { 45 }; // the service lets at most 30 s pass without a byte
    std::chrono::milliseconds backoff_base { 1000 };
    std::chrono::milliseconds backoff_max { 60000 };
    SseLimits limits;
    ReconnectBackoff::Random random; // tests only
};

enum class StreamStatus { Connecting, Connected, Waiting, Stopped };
// "connecting", "connected", "waiting", "stopped".
[[nodiscard]] std::string_view stream_status_name(StreamStatus status);

// How one connection ended.
struct ConnectionEnd {
    bool delivered { false }; // it received at least one line
    std::optional<Error> error;
    bool retry_now { false }; // the token was refused: ask for access again without waiting
    bool permanent { false }; // retrying cannot help (for example the device was revoked)
};

struct EventStreamCallbacks {
    // On the stream's thread, before each connection.
    std::function<Result<StreamAccess>()> access;
    // On the stream's thread, in order.
    std::function<void(const SseEvent&)> on_event;
    // On the stream's thread; `error` is why the last connection ended,
    // `delay` how long it waits before the next (Waiting only).
    std::function<void(StreamStatus, const std::optional<Error>& error, std::chrono::milliseconds delay)> on_status;
};

class EventStream {
public:
    [[nodiscard]] static Result<std::unique_ptr<EventStream>> create(TlsConfig config, EventStreamOptions options = {});
    // Stops and joins.
    ~EventStream();
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;

    // Starts the thread (once). `last_event_id` resumes an earlier stream.
    void start(EventStreamCallbacks callbacks, std::string last_event_id = {});
    // Ends the connection and the thread; no callback runs after it returns.
    void stop();
    // Drops the current connection (it reconnects with Last-Event-ID), as a network change would.
    void reconnect();
    [[nodiscard]] std::string last_event_id() const;
    [[nodiscard]] int connections() const { return m_connections.load(); }

private:
    struct Handle;
    EventStream(TlsConfig config, EventStreamOptions options, std::unique_ptr<Handle> handle);
    void run();
    [[nodiscard]] ConnectionEnd connect_once(const StreamAccess& access);
    [[nodiscard]] Result<void> check_allowed(const std::string& url) const;
    // Waits `delay` or until stopped; false when stopped.
    [[nodiscard]] bool wait(std::chrono::milliseconds delay);

    TlsConfig m_config;
    EventStreamOptions m_options;
    std::unique_ptr<Handle> m_handle;
    EventStreamCallbacks m_callbacks;
    SseParser m_parser;
    ReconnectBackoff m_backoff;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::string m_last_event_id;
    bool m_stopping { false };
    std::atomic<bool> m_abort { false };
    std::atomic<int> m_connections { 0 };
    std::thread m_thread;
};

// Whether a status ends the stream for good (4xx other than 401, 408, 429).
[[nodiscard]] bool is_permanent_stream_status(long status);

}
