// EventStream (event_stream.h): one long-lived GET /v1/events at a time on
// its own thread, with the pinned TLS policy of every other call.

#include "hondana/sync/event_stream.h"

#include <algorithm>

#include "curl_handles.h"
#include "hondana/sync/service_client.h"

namespace hondana::sync {

using namespace std::chrono_literals;

struct EventStream::Handle {
    char error_buffer[CURL_ERROR_SIZE] {};
    detail::Easy curl;
};

namespace {

constexpr size_t max_error_body = 64 * 1024;

// What one connection collects; curl callbacks write into it.
struct Connection {
    EventStream* stream { nullptr };
    SseParser* parser { nullptr };
    CURL* curl { nullptr };
    long status { 0 };
    HttpResponse error_response; // a non-200 answer, kept for its problem document
    std::chrono::steady_clock::time_point last_byte;
    std::chrono::seconds idle_timeout { 45 };
    const std::atomic<bool>* abort { nullptr };
    std::function<void(const SseEvent&)> deliver;
    std::function<void(const std::string&)> remember_id;
    std::optional<Error> failure;
    bool idle { false };
    bool delivered { false };
};

size_t on_header(char* data, size_t size, size_t count, void* user)
{
    auto& connection = *static_cast<Connection*>(user);
    std::string_view line(data, size * count);
    auto colon = line.find(':');
    if (colon != std::string_view::npos && !line.starts_with("HTTP/")) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.remove_suffix(1);
        connection.error_response.headers[name] = std::string(value);
    }
    return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user)
{
    auto& connection = *static_cast<Connection*>(user);
    size_t bytes = size * count;
    connection.last_byte = std::chrono::steady_clock::now();
    curl_easy_getinfo(connection.curl, CURLINFO_RESPONSE_CODE, &connection.status);
    if (connection.status != 200) {
        auto& body = connection.error_response.body;
        body.append(data, std::min(bytes, max_error_body - std::min(max_error_body, body.size())));
        return bytes;
    }
    std::vector<SseEvent> events;
    auto lines_before = connection.parser->lines();
    auto parsed = connection.parser->feed({ data, bytes }, events);
    connection.delivered = connection.delivered || connection.parser->lines() > lines_before;
    for (const auto& event : events) {
        connection.remember_id(event.id);
        connection.deliver(event);
    }
    if (!parsed) {
        connection.failure = parsed.error();
        return 0;
    }
    return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    auto& connection = *static_cast<Connection*>(user);
    if (connection.abort->load())
        return 1;
    if (std::chrono::steady_clock::now() - connection.last_byte > connection.idle_timeout) {
        connection.idle = true;
        return 1;
    }
    return 0;
}

Result<detail::Slist> request_headers(const StreamAccess& access, const std::string& last_event_id)
{
    std::vector<std::string> lines { "Accept: text/event-stream", "Cache-Control: no-cache",
        "Authorization: Bearer " + access.access_token };
    if (!last_event_id.empty())
        lines.push_back("Last-Event-ID: " + last_event_id);
    detail::Slist headers;
    for (const auto& line : lines) {
        auto* appended = curl_slist_append(headers.get(), line.c_str());
        if (!appended)
            return fail(ErrorKind::InvalidArgument, "cannot build the event stream's request headers");
        (void)headers.release();
        headers.reset(appended);
    }
    return headers;
}

void set_connection_options(CURL* h, const StreamAccess& access, curl_slist* headers, Connection& connection)
{
    curl_easy_setopt(h, CURLOPT_URL, access.url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &connection);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &connection);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &connection);
    // A stream has no overall limit; the idle check above ends a silent one.
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 0L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 0L);
}

// How a finished transfer ended, from the connection's point of view.
ConnectionEnd classify(const Connection& connection, CURLcode code, const char* error_buffer, const std::string& url,
    std::chrono::seconds idle_timeout)
{
    ConnectionEnd end;
    end.delivered = connection.delivered;
    if (connection.failure) {
        end.error = connection.failure;
    } else if (connection.idle) {
        end.error = Error { ErrorKind::Timeout,
            "the event stream was silent (no event, no heartbeat) for " + std::to_string(idle_timeout.count()) + " s" };
    } else if (code != CURLE_OK && connection.abort->load()) {
        end.error = Error { ErrorKind::Cancelled, "the event stream was closed here" };
    } else if (code != CURLE_OK) {
        end.error = detail::classify_curl_error(code, error_buffer, url);
    } else if (connection.status >= 300 && connection.status < 400) {
        end.error = Error { ErrorKind::RedirectRefused, "the event stream answered a redirect; never followed" };
        end.permanent = true;
    } else if (connection.status != 200) {
        auto response = connection.error_response;
        response.status = connection.status;
        end.error = error_from_response(response, "GET /v1/events");
        end.retry_now = connection.status == 401;
        end.permanent = is_permanent_stream_status(connection.status) || end.error->kind == ErrorKind::DeviceRevoked;
    }
    // A 200 that ended without error: the service closed the stream (its deadline or a drain).
    return end;
}

}

EventStream::EventStream(TlsConfig config, EventStreamOptions options, std::unique_ptr<Handle> handle)
    : m_config(std::move(config))
    , m_options(std::move(options))
    , m_handle(std::move(handle))
    , m_parser(m_options.limits)
    , m_backoff(m_options.backoff_base, m_options.backoff_max, m_options.random)
{
}

EventStream::~EventStream() { stop(); }

Result<std::unique_ptr<EventStream>> EventStream::create(TlsConfig config, EventStreamOptions options)
{
    auto handle = std::make_unique<Handle>();
    auto stream = std::unique_ptr<EventStream>(
        new EventStream(std::move(config), std::move(options), std::move(handle))); // raw-new: private constructor
    stream->m_handle->curl = TRY(detail::make_policy_handle(stream->m_config, stream->m_handle->error_buffer));
    return stream;
}

void EventStream::start(EventStreamCallbacks callbacks, std::string last_event_id)
{
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable() || m_stopping)
        return;
    m_callbacks = std::move(callbacks);
    m_last_event_id = last_event_id;
    m_parser.set_last_event_id(std::move(last_event_id));
    m_thread = std::thread([this] { run(); });
}

void EventStream::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_abort = true;
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void EventStream::reconnect() { m_abort = true; }

std::string EventStream::last_event_id() const
{
    std::lock_guard lock(m_mutex);
    return m_last_event_id;
}

bool EventStream::wait(std::chrono::milliseconds delay)
{
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, delay, [this] { return m_stopping; });
}

Result<void> EventStream::check_allowed(const std::string& url) const
{
    auto parsed = platform::parse_https_url(url);
    if (!parsed)
        return fail(ErrorKind::HostNotAllowed, "refusing a non-https or malformed URL: " + parsed.error().message);
    platform::Endpoint endpoint { parsed->host, parsed->port };
    if (std::find(m_config.allowed_hosts.begin(), m_config.allowed_hosts.end(), endpoint) == m_config.allowed_hosts.end())
        return fail(ErrorKind::HostNotAllowed, endpoint.to_string() + " is not in the policy's allowed hosts");
    return {};
}

ConnectionEnd EventStream::connect_once(const StreamAccess& access)
{
    ConnectionEnd refused;
    refused.permanent = true;
    if (auto allowed = check_allowed(access.url); !allowed) {
        refused.error = allowed.error();
        return refused;
    }
    auto headers = request_headers(access, m_parser.last_event_id());
    if (!headers) {
        refused.error = headers.error();
        return refused;
    }
    m_parser.reset();
    CURL* h = m_handle->curl.get();
    m_handle->error_buffer[0] = '\0';
    Connection connection;
    connection.parser = &m_parser;
    connection.curl = h;
    connection.last_byte = std::chrono::steady_clock::now();
    connection.idle_timeout = m_options.idle_timeout;
    connection.abort = &m_abort;
    connection.deliver = [this](const SseEvent& event) {
        if (m_callbacks.on_event)
            m_callbacks.on_event(event);
    };
    connection.remember_id = [this](const std::string& id) {
        std::lock_guard lock(m_mutex);
        m_last_event_id = id;
    };
    set_connection_options(h, access, headers->get(), connection);
    CURLcode code = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &connection.status);
    if (auto retry = m_parser.retry())
        m_backoff.set_base(*retry);
    return classify(connection, code, m_handle->error_buffer, access.url, m_options.idle_timeout);
}

void EventStream::run()
{
    auto status = [this](StreamStatus what, const std::optional<Error>& error, std::chrono::milliseconds delay) {
        if (m_callbacks.on_status)
            m_callbacks.on_status(what, error, delay);
    };
    bool retried_token = false;
    while (true) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping)
                break;
        }
        m_abort = false;
        status(StreamStatus::Connecting, std::nullopt, 0ms);
        ConnectionEnd end;
        auto access = m_callbacks.access ? m_callbacks.access()
                                         : Result<StreamAccess>(fail(ErrorKind::InvalidArgument, "no access callback"));
        if (access) {
            ++m_connections;
            status(StreamStatus::Connected, std::nullopt, 0ms);
            end = connect_once(*access);
        } else {
            end.error = access.error();
            end.permanent = access.error().kind == ErrorKind::DeviceRevoked;
        }
        bool stopping = false;
        {
            std::lock_guard lock(m_mutex);
            stopping = m_stopping;
        }
        if (stopping)
            break;
        if (end.delivered)
            m_backoff.reset();
        if (end.permanent) {
            status(StreamStatus::Stopped, end.error, 0ms);
            return;
        }
        bool asked_to_reconnect = end.error && end.error->kind == ErrorKind::Cancelled;
        if (asked_to_reconnect || (end.retry_now && !retried_token)) {
            retried_token = end.retry_now;
            continue;
        }
        retried_token = false;
        auto delay = m_backoff.next();
        status(StreamStatus::Waiting, end.error, delay);
        if (!wait(delay))
            break;
    }
    status(StreamStatus::Stopped, std::nullopt, 0ms);
}

}
