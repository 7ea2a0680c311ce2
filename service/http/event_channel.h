#pragma once

// A server-sent event stream between a route and its connection (issue 6).
// The route queues frames from any thread; the session writes them in order,
// a comment line as heartbeat when nothing was written for a while, and ends
// the stream when the route closes it, its deadline passes, the peer goes, the
// server drains, or the queue outgrows its bound (a slow consumer is dropped,
// not allowed to grow memory: it reconnects with Last-Event-ID).

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

namespace hondana::http {

struct EventChannelOptions {
    size_t max_queued_bytes { 256 * 1024 };
    std::chrono::seconds heartbeat { 20 };
    // The stream ends then (for example when the access token it was opened with expires).
    std::chrono::steady_clock::time_point close_at { std::chrono::steady_clock::time_point::max() };
    // Asked on the session's thread at every heartbeat tick; false ends the
    // stream (Revoked): a user suspended or a device revoked while its stream
    // is open loses it within one heartbeat. Empty: never asked.
    std::function<bool()> still_authorised;
};

// Why a stream ended.
enum class StreamEnd { Closed, Overflow, PeerGone, Draining, Deadline, Revoked };

class EventChannel {
public:
    explicit EventChannel(EventChannelOptions options);
    EventChannel(const EventChannel&) = delete;
    EventChannel& operator=(const EventChannel&) = delete;

    // Route side, any thread; never blocks and never runs the finished
    // callback. Queues a frame; false when the stream has ended or this frame
    // would take the queue over its bound (the stream then ends: Overflow).
    bool push(std::string frame);
    // Puts frames before everything queued (the snapshot a stream starts with).
    void prepend(std::string frames);
    // Ends the stream once what is queued is written.
    void close();
    // Runs once when the stream ends, whatever the reason (for example to unsubscribe).
    void on_finished(std::function<void(StreamEnd)> callback);

    // Session side. `wake` is called (outside the lock) when there is
    // something to write or the stream was closed.
    void attach(std::function<void()> wake);
    // Everything queued, joined; empty when nothing is.
    [[nodiscard]] std::string take();
    [[nodiscard]] bool closed() const;
    [[nodiscard]] bool overflowed() const;
    // The stream is over: drops what is queued, refuses new frames, runs the callback.
    void finish(StreamEnd why);
    [[nodiscard]] const EventChannelOptions& options() const { return m_options; }
    [[nodiscard]] size_t queued_bytes() const;

private:
    void wake();

    EventChannelOptions m_options;
    mutable std::mutex m_mutex;
    std::string m_queue;
    bool m_closed { false };
    bool m_finished { false };
    bool m_overflowed { false };
    std::function<void()> m_wake;
    std::function<void(StreamEnd)> m_on_finished;
};

// "id: …\nevent: …\ndata: …\n\n" (data may not contain a newline: ours is one line of JSON).
[[nodiscard]] std::string sse_frame(std::string_view id, std::string_view event, std::string_view data);

}
