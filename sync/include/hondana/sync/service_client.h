#pragma once

// A typed client for every call of docs/protocol.md. Blocking: call it from
// a worker thread (sync_worker.h), never the UI thread. Not thread-safe.
// Error statuses with a problem document become the matching ErrorKind, with
// the problem's title/detail (and extra members) in the message.

#include <memory>
#include <optional>
#include <string>

#include "hondana/drm/keys.h"
#include "hondana/platform/policy.h"
#include "hondana/sync/content_prefetch.h"
#include "hondana/sync/downloader.h"
#include "hondana/sync/event_stream.h"
#include "hondana/sync/http_client.h"
#include "hondana/sync/models.h"

namespace hondana::sync {

// The device's mutual-TLS credentials: its certificate (PEM, with any
// intermediate) and its private key as PKCS#8 PEM, in memory only.
struct DeviceCredentials {
    std::string certificate_pem;
    std::shared_ptr<const drm::SecretBytes> key_pem;
};

class ServiceClient {
public:
    [[nodiscard]] static Result<std::unique_ptr<ServiceClient>> create(const platform::Policy& policy,
        std::optional<DeviceCredentials> credentials, RetryPolicy retry = {});
    [[nodiscard]] static Result<std::unique_ptr<ServiceClient>> create(
        TlsConfig config, std::string service_url, RetryPolicy retry = {});

    void set_access_token(std::optional<std::string> token) { m_access_token = std::move(token); }
    [[nodiscard]] HttpClient& http() { return *m_http; }
    // An absolute URL for `path_or_url` (a path on the service, or an https URL).
    [[nodiscard]] std::string url(std::string_view path_or_url) const;

    [[nodiscard]] Result<base::Timestamp> time();
    [[nodiscard]] Result<EnrolResult> enrol(
        std::string_view device_id, std::string_view enrolment_code, const drm::PrivateKey& device_key);
    [[nodiscard]] Result<Session> login(
        std::string_view login_id, std::string_view password, std::optional<std::string> totp = std::nullopt);
    [[nodiscard]] Result<Session> refresh(std::string_view refresh_token);
    [[nodiscard]] Result<void> logout();
    [[nodiscard]] Result<User> me();
    // The signed-in user's own password change (sets the new access token).
    // InvalidCredentials / AccountLocked (remaining_attempts, locked_until in
    // the message) for a wrong current password; WeakPassword with the rules.
    [[nodiscard]] Result<PasswordChanged> change_password(std::string_view current_password, std::string_view new_password);

    [[nodiscard]] Result<CatalogPage> catalog(std::string_view query, int page = 1, int per_page = 20);
    [[nodiscard]] Result<LoanList> loans();
    [[nodiscard]] Result<Loan> borrow(std::string_view title_id);
    [[nodiscard]] Result<Reservation> reserve(std::string_view title_id);
    [[nodiscard]] Result<void> cancel_reservation(std::string_view reservation_id);
    [[nodiscard]] Result<Loan> return_loan(std::string_view loan_id);
    [[nodiscard]] Result<Loan> renew_loan(std::string_view loan_id);

    // The licence document as sent (its bytes are what is signed).
    [[nodiscard]] Result<std::string> licence(std::string_view href_or_id);
    [[nodiscard]] Result<LicenceStatus> licence_status(std::string_view licence_id);
    [[nodiscard]] Result<LicenceStatus> register_licence(
        std::string_view licence_id, std::string_view device_id, std::string_view device_name);
    [[nodiscard]] Result<LicenceStatus> return_licence(std::string_view licence_id, std::string_view device_id);
    [[nodiscard]] Result<LicenceStatus> renew_licence(
        std::string_view licence_id, std::string_view device_id, base::Timestamp end);

    // Sends a reading position; returns the one the service now keeps.
    [[nodiscard]] Result<RemotePosition> put_position(
        std::string_view title_id, std::string_view locator, base::Timestamp updated_at);
    [[nodiscard]] Result<std::vector<RemotePosition>> positions();

    // A title's cover (at most 512 KiB; MalformedResponse for a type that is
    // not an image this reader draws).
    [[nodiscard]] Result<CoverImage> cover(std::string_view title_id);

    // Uploads audit events (JSON objects); returns accepted_through.
    [[nodiscard]] Result<int64_t> upload_audit(const nlohmann::json& events);
    // Downloads protected content (see downloader.h), with the access token.
    [[nodiscard]] Result<DownloadResult> download(DownloadRequest request, const ProgressCallback& progress = {});

    // Class sessions (issue 6, docs/protocol.md "Class sessions").
    [[nodiscard]] Result<ClassSession> create_session(const NewSession& request);
    [[nodiscard]] Result<std::vector<ClassSession>> sessions();
    [[nodiscard]] Result<SessionDetail> session(std::string_view session_id);
    [[nodiscard]] Result<ClassSession> start_session(std::string_view session_id);
    [[nodiscard]] Result<ClassSession> guide_session(std::string_view session_id, int page);
    [[nodiscard]] Result<SessionEnd> end_session(std::string_view session_id);
    // A student's state in a session ("content-ready" or "reading") and page.
    [[nodiscard]] Result<void> report_session_state(
        std::string_view session_id, std::string_view state, std::optional<int> page);
    // Where an event stream connects now, with the current access token (TokenInvalid without one).
    [[nodiscard]] Result<StreamAccess> event_stream_access() const;
    // A title's package ahead of its licence (content_prefetch.h), with the access token.
    [[nodiscard]] Result<PrefetchResult> prefetch(
        std::string_view content_href, const std::filesystem::path& destination, const ProgressCallback& progress = {});

private:
    ServiceClient(std::unique_ptr<HttpClient> http, platform::HttpsUrl base);
    [[nodiscard]] Result<nlohmann::json> call(std::string method, std::string_view path, const nlohmann::json* body,
        Idempotent idempotent, size_t max_bytes = 4 * 1024 * 1024);
    [[nodiscard]] Result<HttpResponse> exchange(std::string method, std::string_view path, const nlohmann::json* body,
        Idempotent idempotent, size_t max_bytes);
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> auth_headers() const;

    std::unique_ptr<HttpClient> m_http;
    platform::HttpsUrl m_base;
    std::optional<std::string> m_access_token;
};

// Maps an error response to an error: its problem type when it has one, else HttpStatus.
[[nodiscard]] Error error_from_response(const HttpResponse& response, std::string_view what);

}
