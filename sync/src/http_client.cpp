#include "hondana/sync/http_client.h"

#include <algorithm>
#include <cctype>
#include <thread>

#include "curl_handles.h"

namespace hondana::sync {

using namespace std::chrono_literals;

struct HttpClient::Handle {
    char error_buffer[CURL_ERROR_SIZE] {};
    detail::Easy curl;
};

namespace {

// What one transfer collects; curl callbacks write into it.
struct Transfer {
    HttpResponse response;
    size_t limit { 0 };
    const BodySink* sink { nullptr };
    const ProgressCallback* progress { nullptr };
    const std::atomic<bool>* cancelled { nullptr };
    std::optional<Error> failure;
    bool too_large { false };
};

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string trim(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return std::string(text);
}

size_t on_header(char* data, size_t size, size_t count, void* user)
{
    auto& transfer = *static_cast<Transfer*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        transfer.response.headers.clear(); // a new response (after 100 Continue)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
        transfer.response.headers[lower(std::string(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
    return size * count;
}

bool streaming(Transfer& transfer, CURL* curl)
{
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    transfer.response.status = status;
    return transfer.sink && status >= 200 && status < 300;
}

struct WriteContext {
    Transfer* transfer;
    CURL* curl;
};

size_t on_body(char* data, size_t size, size_t count, void* user)
{
    auto& context = *static_cast<WriteContext*>(user);
    auto& transfer = *context.transfer;
    size_t bytes = size * count;
    if (streaming(transfer, context.curl)) {
        auto written = (*transfer.sink)(transfer.response, { reinterpret_cast<const uint8_t*>(data), bytes });
        if (!written) {
            transfer.failure = written.error();
            return 0;
        }
        return bytes;
    }
    if (transfer.response.body.size() + bytes > transfer.limit) {
        transfer.too_large = true;
        return 0;
    }
    transfer.response.body.append(data, bytes);
    return bytes;
}

int on_progress(void* user, curl_off_t total, curl_off_t received, curl_off_t, curl_off_t)
{
    auto& transfer = *static_cast<Transfer*>(user);
    if (transfer.cancelled && transfer.cancelled->load())
        return 1;
    if (transfer.progress && *transfer.progress)
        (*transfer.progress)(static_cast<uint64_t>(received), static_cast<uint64_t>(total));
    return 0;
}

bool transient_status(long status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

}

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const
{
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::nullopt : std::optional<std::string>(it->second);
}

TlsConfig tls_config_from(const platform::Policy& policy)
{
    TlsConfig config;
    config.pins = policy.tls_spki_pins;
    config.root_pem = policy.tenant_root_cert_pem;
    config.allowed_hosts = policy.allowed_hosts;
    config.timeout = policy.request_timeout;
    return config;
}

HttpClient::HttpClient(TlsConfig config, RetryPolicy retry, std::unique_ptr<Handle> handle)
    : m_config(std::move(config))
    , m_retry(retry)
    , m_handle(std::move(handle))
{
}

HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::create(TlsConfig config, RetryPolicy retry)
{
    auto handle = std::make_unique<Handle>();
    // The client (and so the key buffer the handle points at) is built first.
    auto client = std::unique_ptr<HttpClient>(
        new HttpClient(std::move(config), retry, std::move(handle))); // raw-new: private constructor
    client->m_handle->curl = TRY(detail::make_policy_handle(client->m_config, client->m_handle->error_buffer));
    return client;
}

void HttpClient::set_server_time_observer(std::function<void(base::Timestamp)> observer)
{
    m_time_observer = std::move(observer);
}

Result<void> HttpClient::check_allowed(const std::string& url) const
{
    auto parsed = platform::parse_https_url(url);
    if (!parsed)
        return fail(ErrorKind::HostNotAllowed, "refusing a non-https or malformed URL: " + parsed.error().message);
    platform::Endpoint endpoint { parsed->host, parsed->port };
    auto allowed = std::find(m_config.allowed_hosts.begin(), m_config.allowed_hosts.end(), endpoint);
    if (allowed == m_config.allowed_hosts.end())
        return fail(ErrorKind::HostNotAllowed, endpoint.to_string() + " is not in the policy's allowed hosts");
    return {};
}

Result<void> HttpClient::check_redirect(const HttpResponse& response) const
{
    if (response.status < 300 || response.status >= 400 || response.status == 304)
        return {};
    auto location = response.header("location").value_or("");
    if (!location.empty() && location.front() != '/' && !check_allowed(location))
        return fail(ErrorKind::RedirectOffAllowlist,
            "the service redirected to " + location + ", a host off the allowlist; not followed");
    return fail(ErrorKind::RedirectRefused,
        "the service answered " + std::to_string(response.status) + " redirecting to '" + location
            + "'; redirects are never followed");
}

void HttpClient::observe_time(const HttpResponse& response)
{
    if (!m_time_observer)
        return;
    if (auto header = response.header("x-hondana-time")) {
        if (auto time = base::parse_rfc3339(*header))
            m_time_observer(*time);
    }
}

Result<HttpResponse> HttpClient::perform(const HttpRequest& request, const BodySink* sink, const ProgressCallback* progress)
{
    TRY(check_allowed(request.url));
    CURL* h = m_handle->curl.get();
    m_handle->error_buffer[0] = '\0';
    Transfer transfer;
    transfer.limit = request.max_response_bytes;
    transfer.sink = sink;
    transfer.progress = progress;
    transfer.cancelled = &m_cancelled;
    WriteContext write { &transfer, h };
    detail::Slist headers;
    for (const auto& [name, value] : request.headers) {
        std::string line = name + ": " + value;
        auto* appended = curl_slist_append(headers.get(), line.c_str());
        if (!appended)
            return fail(ErrorKind::InvalidArgument, "cannot build request headers");
        (void)headers.release();
        headers.reset(appended);
    }
    bool has_body = request.method != "GET" && request.method != "HEAD";
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method == "GET" ? nullptr : request.method.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPGET, has_body ? 0L : 1L);
    if (has_body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &write);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
    if (sink) {
        // A download: no overall limit, but abort when it stalls.
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 0L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(m_config.timeout.count()));
    } else {
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(m_config.timeout.count() * 1000));
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 0L);
    }
    CURLcode code = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    if (transfer.failure)
        return tl::make_unexpected(*transfer.failure);
    if (transfer.too_large)
        return fail(ErrorKind::ResponseTooLarge, "the response to " + request.url + " is over "
                + std::to_string(request.max_response_bytes) + " bytes");
    if (code != CURLE_OK)
        return tl::make_unexpected(detail::classify_curl_error(code, m_handle->error_buffer, request.url));
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    observe_time(transfer.response);
    TRY(check_redirect(transfer.response));
    return std::move(transfer.response);
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request)
{
    return perform(request, nullptr, nullptr);
}

Result<HttpResponse> HttpClient::stream(const HttpRequest& request, const BodySink& sink, const ProgressCallback& progress)
{
    return perform(request, &sink, &progress);
}

Result<HttpResponse> HttpClient::request(const HttpRequest& request)
{
    for (int attempt = 0;; ++attempt) {
        auto response = perform(request, nullptr, nullptr);
        bool last = attempt + 1 >= m_retry.max_attempts;
        if (response) {
            if (!transient_status(response->status) || last || request.idempotent == Idempotent::No)
                return response;
            if (!wait_before_retry(attempt, &*response))
                return fail(ErrorKind::Cancelled, "cancelled while waiting to retry " + request.url);
            continue;
        }
        auto kind = response.error().kind;
        // A refused connection never reached the service, so even a POST may be retried.
        bool retry = kind == ErrorKind::Timeout || kind == ErrorKind::Unreachable;
        bool safe = request.idempotent == Idempotent::Yes
            || response.error().message.find("Couldn't connect") != std::string::npos
            || response.error().message.find("Connection refused") != std::string::npos;
        if (!retry || !safe || last)
            return response;
        if (!wait_before_retry(attempt, nullptr))
            return fail(ErrorKind::Cancelled, "cancelled while waiting to retry " + request.url);
    }
}

bool HttpClient::wait_before_retry(int attempt, const HttpResponse* response)
{
    auto delay = backoff_delay(attempt, m_retry.base_delay, m_retry.max_delay);
    if (response) {
        if (auto header = response->header("retry-after")) {
            if (auto after = parse_retry_after(*header, base::now_utc()))
                delay = std::max(delay, std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::min(*after, m_retry.max_retry_after)));
        }
    }
    auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
        if (m_cancelled)
            return false;
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(50ms,
            std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()) + 1ms));
    }
    return !m_cancelled;
}

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max)
{
    auto ceiling = base * (int64_t { 1 } << std::min(attempt, 20));
    ceiling = std::min(ceiling, max);
    uint64_t random = 0;
    if (!drm::random_bytes({ reinterpret_cast<uint8_t*>(&random), sizeof random }))
        return ceiling;
    return std::chrono::milliseconds(static_cast<int64_t>(random % (static_cast<uint64_t>(ceiling.count()) + 1)));
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, base::Timestamp now)
{
    auto text = trim(value);
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
        if (text.size() > 9)
            return std::nullopt;
        return std::chrono::seconds(std::stoll(text));
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
    std::tm tm {};
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0')
        return std::nullopt;
    auto when = std::chrono::sys_seconds(std::chrono::seconds(timegm(&tm)));
    return when > now ? std::chrono::duration_cast<std::chrono::seconds>(when - now) : std::chrono::seconds(0);
}

}
