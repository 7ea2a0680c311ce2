// Class-wide reading sessions and the event stream (docs/protocol.md,
// "Class sessions").

#include "api/api.h"
#include "hondana/drm/crypto.h"
#include "http/event_channel.h"

namespace hondana::api {

namespace {

using lending::ErrorKind;

// A stream lives at most this long (the access token's default lifetime),
// less up to a fifth at random so streams opened together do not all
// reconnect together; the reader reconnects with Last-Event-ID and a fresh token.
constexpr auto max_stream_life = std::chrono::minutes(15);
constexpr size_t max_last_event_id = 64;

lending::Result<int> int_member(const nlohmann::json& body, const char* field, int fallback)
{
    if (!body.contains(field) || body[field].is_null())
        return fallback;
    if (!body[field].is_number_integer())
        return lending::fail(
            ErrorKind::MalformedRequest, std::string(field) + " must be an integer", { { "field", field } });
    auto value = body[field].get<int64_t>();
    if (value < 1 || value > lending::max_session_page)
        return lending::fail(
            ErrorKind::MalformedRequest, std::string(field) + " is out of range", { { "field", field } });
    return static_cast<int>(value);
}

lending::Result<lending::SessionRequest> parse_session_request(const nlohmann::json& body)
{
    lending::SessionRequest request;
    request.class_name = TRY(required_string(body, "class", 200));
    request.school = TRY(optional_string(body, "school", 200));
    request.title_id = TRY(required_string(body, "title_id", 100));
    request.start_page = TRY(int_member(body, "start_page", 1));
    auto mode = TRY(optional_string(body, "mode", 20));
    if (mode) {
        auto parsed = lending::parse_session_mode(*mode);
        if (!parsed)
            return lending::fail(ErrorKind::MalformedRequest, "mode must be free or guided", { { "field", "mode" } });
        request.mode = *parsed;
    }
    if (auto start_at = TRY(optional_string(body, "start_at", 64))) {
        request.start_at = base::parse_rfc3339(*start_at);
        if (!request.start_at)
            return lending::fail(
                ErrorKind::MalformedRequest, "start_at must be an RFC 3339 time", { { "field", "start_at" } });
    }
    return request;
}

nlohmann::json detail_json(const lending::SessionDetail& detail)
{
    auto json = lending::session_json(detail.session);
    if (detail.leader) {
        auto roster = nlohmann::json::array();
        for (const auto& entry : detail.roster)
            roster.push_back(lending::roster_entry_json(detail.session.id, entry));
        json["roster"] = roster;
    }
    if (detail.licence_id)
        json["licence_id"] = *detail.licence_id;
    return json;
}

template<typename T, typename View>
void answer(const std::shared_ptr<Exchange>& exchange, const lending::Result<T>& result, unsigned status, View view)
{
    if (!result)
        return exchange->problem(result.error());
    exchange->json(status, view(*result));
}

std::chrono::steady_clock::time_point stream_deadline()
{
    uint32_t random = 0;
    (void)drm::random_bytes({ reinterpret_cast<uint8_t*>(&random), sizeof random });
    auto life = std::chrono::duration_cast<std::chrono::seconds>(max_stream_life);
    auto spread = std::chrono::seconds(random % (life.count() / 5 + 1));
    return std::chrono::steady_clock::now() + life - spread;
}

http::EventStreamResponse stream_header(const Exchange& exchange, std::shared_ptr<http::EventChannel> channel)
{
    http::EventStreamResponse response { { boost::beast::http::status::ok, exchange.request().version() },
        std::move(channel) };
    auto& header = response.header;
    header.set("X-Hondana-Time", base::format_rfc3339(base::now_utc()));
    header.set("X-Request-Id", http::to_beast(exchange.context().request_id));
    header.set(boost::beast::http::field::cache_control, "no-store");
    header.set(boost::beast::http::field::content_type, "text/event-stream; charset=utf-8");
    header.set("X-Content-Type-Options", "nosniff");
    return response;
}

// What a stream starts with: the events it missed (resumption), or a `sync`
// event (its id is where to resume from) followed by every open session.
lending::Result<std::string> opening_frames(lending::ClassSessions& sessions, const lending::Caller& caller,
    const lending::Subscriber& who, const lending::SubscribeResult& subscribed, bool resumed)
{
    std::string frames;
    if (resumed && !subscribed.gap) {
        for (const auto& event : subscribed.backlog)
            frames += http::sse_frame(event->id, event->type, event->data);
        return frames;
    }
    nlohmann::json sync = { { "reason", resumed ? "gap" : "new" } };
    frames += http::sse_frame(subscribed.latest_id, "sync", sync.dump());
    for (const auto& event : TRY(sessions.snapshot(caller, who)))
        frames += http::sse_frame({}, event.type, event.data);
    return frames;
}

void open_event_stream(lending::LendingService& service, const std::shared_ptr<Exchange>& exchange)
{
    auto& sessions = service.sessions();
    const auto& caller = exchange->caller();
    auto who = sessions.subscriber(caller);
    if (!who)
        return exchange->problem(who.error());
    std::optional<std::string> last_id;
    auto header = http::to_std(exchange->request()["Last-Event-ID"]);
    if (!header.empty()) {
        if (header.size() > max_last_event_id)
            return exchange->problem(lending::Error {
                ErrorKind::MalformedRequest, "Last-Event-ID is too long", { { "field", "Last-Event-ID" } } });
        last_id = std::string(header);
    }
    http::EventChannelOptions options;
    options.close_at = stream_deadline();
    // A database error counts as "no": the reader reconnects and is checked afresh.
    options.still_authorised = [&tokens = service.tokens(), caller] {
        auto signed_in = tokens.still_signed_in(caller);
        return signed_in && *signed_in;
    };
    auto channel = std::make_shared<http::EventChannel>(options);
    auto subscribed
        = sessions.hub().subscribe(*who, last_id, [channel](const std::shared_ptr<const lending::Event>& event) {
              channel->push(http::sse_frame(event->id, event->type, event->data));
          });
    auto frames = opening_frames(sessions, caller, *who, subscribed, last_id.has_value());
    if (!frames)
        return exchange->problem(frames.error());
    channel->prepend(std::move(*frames));
    std::shared_ptr<lending::Subscription> subscription = std::move(subscribed.subscription);
    channel->on_finished([subscription, &sessions, caller, who = *who](http::StreamEnd) mutable {
        subscription.reset();
        sessions.stream_closed(caller, who);
    });
    sessions.stream_opened(caller, *who);
    http::Response response { stream_header(*exchange, channel), { { "stream", "events" } } };
    exchange->send(std::move(response));
}

}

void add_session_routes(Router& router, lending::LendingService& service)
{
    router.add({ "GET", "/v1/events", Access::User },
        [&service](const std::shared_ptr<Exchange>& exchange) { open_event_stream(service, exchange); });
    router.add({ "GET", "/v1/sessions", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
        answer(exchange, service.sessions().open_sessions(exchange->caller()), 200,
            [](const std::vector<lending::ClassSessionView>& sessions) {
                auto list = nlohmann::json::array();
                for (const auto& session : sessions)
                    list.push_back(lending::session_json(session));
                return nlohmann::json { { "sessions", list } };
            });
    });
    router.add({ "POST", "/v1/sessions", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
        auto body = exchange->json_body();
        auto request = body ? parse_session_request(*body) : tl::make_unexpected(body.error());
        if (!request)
            return exchange->problem(request.error());
        answer(exchange, service.sessions().create(exchange->caller(), *request), 201, lending::session_json);
    });
    router.add({ "GET", "/v1/sessions/{id}", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
        answer(exchange, service.sessions().detail(exchange->caller(), exchange->param("id")), 200, detail_json);
    });
    router.add(
        { "POST", "/v1/sessions/{id}/start", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            answer(exchange, service.sessions().start(exchange->caller(), exchange->param("id")), 200,
                lending::session_json);
        });
    router.add(
        { "POST", "/v1/sessions/{id}/page", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            auto body = exchange->json_body();
            auto page = body ? int_member(*body, "page", 0) : tl::make_unexpected(body.error());
            if (page && *page == 0)
                page = lending::fail(ErrorKind::MalformedRequest, "page is required", { { "field", "page" } });
            if (!page)
                return exchange->problem(page.error());
            answer(exchange, service.sessions().guide(exchange->caller(), exchange->param("id"), *page), 200,
                lending::session_json);
        });
    router.add(
        { "POST", "/v1/sessions/{id}/end", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            answer(exchange, service.sessions().end(exchange->caller(), exchange->param("id")), 200,
                [](const lending::SessionEnd& ended) {
                    auto json = lending::session_json(ended.session);
                    json["returned"] = ended.returned;
                    return json;
                });
        });
    router.add(
        { "POST", "/v1/sessions/{id}/state", Access::User }, [&service](const std::shared_ptr<Exchange>& exchange) {
            auto body = exchange->json_body();
            if (!body)
                return exchange->problem(body.error());
            auto state_name = required_string(*body, "state", 32);
            auto state = state_name ? lending::parse_student_state(*state_name) : std::nullopt;
            auto page = int_member(*body, "page", 0);
            if (!state || !page)
                return exchange->problem(!page
                        ? page.error()
                        : lending::Error { ErrorKind::MalformedRequest, "state must be content-ready or reading",
                            { { "field", "state" } } });
            auto reported = service.sessions().report(exchange->caller(), exchange->param("id"), *state,
                *page == 0 ? std::nullopt : std::optional<int>(*page));
            if (!reported)
                return exchange->problem(reported.error());
            exchange->no_content();
        });
}

}
