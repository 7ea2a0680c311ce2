#pragma once

// One HTTPS connection policy, as every request to the service uses it:
//  - TLS 1.2 minimum; TLS 1.2 suites ECDHE with AES-GCM/CCM only, TLS 1.3
//    AES-GCM/CCM suites only (CRYPTREC, docs/protocol.md Transport); curves
//    P-256 and P-384;
//  - the server's chain verified against the tenant root (and nothing else:
//    no system CA store, no proxy), its key checked against the policy's pins;
//  - the device certificate and key (mutual TLS) from memory, never a file;
//  - the host allowlist checked before every request; redirects are never
//    followed (one off the allowlist is its own error);
//  - timeouts, and retries with exponential backoff and full jitter for
//    idempotent requests, honouring Retry-After.
// An HttpClient owns one curl handle (connections are reused); it is not
// thread-safe: use one per thread (see sync_worker.h).

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hondana/base/time.h"
#include "hondana/drm/crypto.h"
#include "hondana/platform/policy.h"
#include "hondana/sync/error.h"

namespace hondana::sync {

struct TlsConfig {
    std::vector<std::string> pins; // base64 SPKI SHA-256
    std::string root_pem;          // tenant root
    std::vector<platform::Endpoint> allowed_hosts;
    // Device credentials (mutual TLS), when enrolled.
    std::optional<std::string> client_certificate_pem;
    std::shared_ptr<const drm::SecretBytes> client_key_pem;
    std::chrono::seconds timeout { 30 };
    std::chrono::seconds connect_timeout { 10 };
};

// The TLS settings of the policy (pins, root, allowlist, timeout), without device credentials.
[[nodiscard]] TlsConfig tls_config_from(const platform::Policy& policy);

struct RetryPolicy {
    int max_attempts { 4 };
    std::chrono::milliseconds base_delay { 250 };
    std::chrono::milliseconds max_delay { 8000 };
    std::chrono::seconds max_retry_after { 60 };
};

enum class Idempotent { Yes, No };

struct HttpRequest {
    std::string method { "GET" };
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    Idempotent idempotent { Idempotent::Yes };
    size_t max_response_bytes { 4 * 1024 * 1024 };
};

struct HttpResponse {
    long status { 0 };
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;

    [[nodiscard]] std::optional<std::string> header(const std::string& lower_name) const;
};

// Download progress: bytes received so far in this transfer and its expected total (0 when unknown).
using ProgressCallback = std::function<void(uint64_t received, uint64_t total)>;
// Receives body bytes as they arrive, with the response's status and headers
// (complete by then); an error stops the transfer.
struct HttpResponse;
using BodySink = std::function<Result<void>(const HttpResponse& head, drm::ByteView bytes)>;

class HttpClient {
public:
    [[nodiscard]] static Result<std::unique_ptr<HttpClient>> create(TlsConfig config, RetryPolicy retry = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // One attempt. Error statuses are returned as responses (the caller maps
    // problem documents); transport and policy failures are errors.
    [[nodiscard]] Result<HttpResponse> send(const HttpRequest& request);
    // Like send, but retries transient failures (network trouble, 429, 502,
    // 503, 504) with backoff when the request is idempotent or was not sent.
    [[nodiscard]] Result<HttpResponse> request(const HttpRequest& request);
    // Streams a 2xx body to `sink` (other statuses are collected in the
    // response body as usual). One attempt.
    [[nodiscard]] Result<HttpResponse> stream(
        const HttpRequest& request, const BodySink& sink, const ProgressCallback& progress);

    // Set from any thread to abort the transfer in progress (Cancelled).
    void cancel() { m_cancelled = true; }
    void reset_cancel() { m_cancelled = false; }
    // Called with each X-Hondana-Time the service sends (pinned channel only).
    void set_server_time_observer(std::function<void(base::Timestamp)> observer);
    [[nodiscard]] const TlsConfig& config() const { return m_config; }

private:
    struct Handle;
    HttpClient(TlsConfig config, RetryPolicy retry, std::unique_ptr<Handle> handle);
    [[nodiscard]] Result<void> check_allowed(const std::string& url) const;
    [[nodiscard]] Result<HttpResponse> perform(const HttpRequest& request, const BodySink* sink,
        const ProgressCallback* progress);
    [[nodiscard]] Result<void> check_redirect(const HttpResponse& response) const;
    void observe_time(const HttpResponse& response);
    [[nodiscard]] bool wait_before_retry(int attempt, const HttpResponse* response);

    TlsConfig m_config;
    RetryPolicy m_retry;
    std::unique_ptr<Handle> m_handle;
    std::atomic<bool> m_cancelled { false };
    std::function<void(base::Timestamp)> m_time_observer;
};

// A delay of full jitter: uniform in [0, min(max, base * 2^attempt)].
[[nodiscard]] std::chrono::milliseconds backoff_delay(
    int attempt, std::chrono::milliseconds base, std::chrono::milliseconds max);
// Retry-After as seconds or an HTTP date (RFC 9110); nullopt when absent or unreadable.
[[nodiscard]] std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, base::Timestamp now);

}
