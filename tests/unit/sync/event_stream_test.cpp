// EventStream against a real TLS peer (the in-process test server): events
// arrive in order, a stream the service ends resumes with Last-Event-ID, a
// refused token asks for access again, and permanent refusals stop it.

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "hondana/sync/event_stream.h"
#include "test_https_server.h"
#include "tls_fixture.h"

using namespace hondana;
using namespace hondana::sync;
using namespace std::chrono_literals;

namespace {

// What the callbacks saw, and a way to wait for it (bounded, so a broken
// stream fails the test instead of hanging it; no test asserts a duration).
struct Recorder {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<SseEvent> events;
    std::vector<std::pair<StreamStatus, std::optional<Error>>> statuses;
    int access_calls { 0 };

    EventStreamCallbacks callbacks(std::function<Result<StreamAccess>(int)> access)
    {
        EventStreamCallbacks callbacks;
        callbacks.access = [this, access] {
            std::lock_guard lock(mutex);
            return access(++access_calls);
        };
        callbacks.on_event = [this](const SseEvent& event) {
            std::lock_guard lock(mutex);
            events.push_back(event);
            changed.notify_all();
        };
        callbacks.on_status = [this](StreamStatus status, const std::optional<Error>& error, std::chrono::milliseconds) {
            std::lock_guard lock(mutex);
            statuses.emplace_back(status, error);
            changed.notify_all();
        };
        return callbacks;
    }
    template<typename Predicate>
    bool wait_for(Predicate predicate)
    {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, 60s, [&] { return predicate(*this); });
    }
};

struct StreamFixture {
    test::TlsFixture tls;
    test::TestHttpsServer server { tls.server_key, tls.server_cert.pem() };
    Recorder recorder;

    std::unique_ptr<EventStream> stream()
    {
        EventStreamOptions options;
        options.backoff_base = 1ms;
        options.backoff_max = 5ms;
        auto created = EventStream::create(tls.config(server.port()), options);
        EXPECT_TRUE(created) << created.error().message;
        return std::move(*created);
    }
    std::function<Result<StreamAccess>(int)> access()
    {
        return [url = server.url("/v1/events")](int) { return Result<StreamAccess>(StreamAccess { url, "token-1" }); };
    }
};

test::CannedResponse event_stream(std::string body)
{
    return { 200, { { "Content-Type", "text/event-stream" } }, std::move(body) };
}

test::CannedResponse problem(int status, const std::string& type)
{
    return { status, { { "Content-Type", "application/problem+json" } },
        R"({"type":"urn:hondana:problem:)" + type + R"(","title":"refused","status":)" + std::to_string(status) + "}" };
}

}

TEST(EventStream, resumes_with_last_event_id_after_the_service_ends_the_stream)
{
    StreamFixture f;
    f.server.set_response("/v1/events",
        event_stream("id: e-1\nevent: sync\ndata: {}\n\n: hb\n\nid: e-2\nevent: session.page\ndata: {\"page\":2}\n\n"));
    auto stream = f.stream();
    stream->start(f.recorder.callbacks(f.access()));
    ASSERT_TRUE(f.recorder.wait_for([](Recorder& r) { return r.events.size() >= 4; }));
    stream->stop();
    EXPECT_EQ(f.recorder.events[0].id, "e-1");
    EXPECT_EQ(f.recorder.events[1].type, "session.page");
    EXPECT_GE(stream->connections(), 2);
    EXPECT_EQ(stream->last_event_id(), "e-2");
    auto headers = f.server.last_request_headers();
    EXPECT_NE(headers.find("e-2"), std::string::npos) << "the reconnection sends Last-Event-ID: " << headers;
    EXPECT_NE(headers.find("Bearer token-1"), std::string::npos);
    EXPECT_NE(headers.find("text/event-stream"), std::string::npos);
}

TEST(EventStream, starts_from_a_given_last_event_id)
{
    StreamFixture f;
    f.server.set_response("/v1/events", event_stream("id: e-9\nevent: session.ended\ndata: {}\n\n"));
    auto stream = f.stream();
    stream->start(f.recorder.callbacks(f.access()), "e-8");
    ASSERT_TRUE(f.recorder.wait_for([](Recorder& r) { return !r.events.empty(); }));
    stream->stop();
    // The first request already resumed.
    EXPECT_EQ(f.recorder.events[0].id, "e-9");
}

TEST(EventStream, a_refused_token_asks_for_access_again_at_once)
{
    StreamFixture f;
    f.server.set_response("/v1/events", problem(401, "token-invalid"));
    auto stream = f.stream();
    stream->start(f.recorder.callbacks(f.access()));
    ASSERT_TRUE(f.recorder.wait_for([](Recorder& r) { return r.access_calls >= 3; }));
    stream->stop();
    bool waited_after_second = false;
    for (const auto& [status, error] : f.recorder.statuses) {
        if (status == StreamStatus::Waiting) {
            ASSERT_TRUE(error);
            EXPECT_EQ(error->kind, ErrorKind::TokenInvalid);
            waited_after_second = true;
        }
    }
    EXPECT_TRUE(waited_after_second) << "a second refusal in a row backs off instead of hammering";
}

TEST(EventStream, a_forbidden_or_revoked_answer_stops_the_stream_for_good)
{
    for (auto [status, type, kind] : { std::tuple { 403, "forbidden", ErrorKind::Forbidden },
             std::tuple { 401, "device-revoked", ErrorKind::DeviceRevoked } }) {
        StreamFixture f;
        f.server.set_response("/v1/events", problem(status, type));
        auto stream = f.stream();
        stream->start(f.recorder.callbacks(f.access()));
        ASSERT_TRUE(f.recorder.wait_for([](Recorder& r) {
            return !r.statuses.empty() && r.statuses.back().first == StreamStatus::Stopped;
        }));
        stream->stop();
        ASSERT_TRUE(f.recorder.statuses.back().second);
        EXPECT_EQ(f.recorder.statuses.back().second->kind, kind);
        EXPECT_EQ(stream->connections(), 1);
    }
}

TEST(EventStream, a_malformed_stream_is_dropped_and_reconnected)
{
    StreamFixture f;
    f.server.set_response("/v1/events", event_stream("data: " + std::string(70 * 1024, 'x') + "\n\n"));
    auto stream = f.stream();
    stream->start(f.recorder.callbacks(f.access()));
    ASSERT_TRUE(f.recorder.wait_for([](Recorder& r) { return r.access_calls >= 2; }));
    stream->stop();
    EXPECT_TRUE(f.recorder.events.empty());
    bool too_large = false;
    for (const auto& [status, error] : f.recorder.statuses)
        too_large = too_large || (status == StreamStatus::Waiting && error && error->kind == ErrorKind::ResponseTooLarge);
    EXPECT_TRUE(too_large);
}

TEST(EventStream, refuses_a_host_off_the_allowlist_without_connecting)
{
    StreamFixture f;
    auto stream = f.stream();
    stream->start(f.recorder.callbacks([](int) { return Result<StreamAccess>(StreamAccess { "https://elsewhere.example:443/v1/events", "t" }); }));
    ASSERT_TRUE(f.recorder.wait_for(
        [](Recorder& r) { return !r.statuses.empty() && r.statuses.back().first == StreamStatus::Stopped; }));
    stream->stop();
    EXPECT_EQ(f.recorder.statuses.back().second->kind, ErrorKind::HostNotAllowed);
    EXPECT_EQ(f.server.requests(), 0);
}

TEST(EventStream, stop_returns_while_waiting_to_reconnect)
{
    StreamFixture f;
    EventStreamOptions options;
    options.backoff_base = 3600s;
    options.backoff_max = 3600s;
    options.random = [] { return ~uint64_t { 0 }; }; // the whole hour
    auto stream = std::move(*EventStream::create(f.tls.config(f.server.port()), options));
    f.server.set_response("/v1/events", problem(503, "internal"));
    stream->start(f.recorder.callbacks(f.access()));
    ASSERT_TRUE(f.recorder.wait_for([](Recorder& r) {
        return !r.statuses.empty() && r.statuses.back().first == StreamStatus::Waiting;
    }));
    stream->stop(); // would hang the test for an hour if the wait ignored it
    EXPECT_EQ(f.recorder.statuses.back().first, StreamStatus::Stopped);
}
