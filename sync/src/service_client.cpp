#include "hondana/sync/service_client.h"

#include "hondana/base/text.h"

namespace hondana::sync {

using nlohmann::json;

namespace {

constexpr std::string_view problem_prefix = "urn:hondana:problem:";

Result<json> parse_body(const HttpResponse& response, std::string_view what)
{
    auto body = json::parse(response.body, nullptr, false);
    if (body.is_discarded())
        return fail(ErrorKind::MalformedResponse, std::string(what) + ": the response is not JSON");
    return body;
}

std::string problem_extras(const json& problem)
{
    std::string extras;
    for (const char* name :
        { "locked_until", "queue_length", "limit", "position", "field", "reason", "potential_end", "accepted_through",
             "needed", "available", "students", "state", "mode", "remaining_attempts", "rules", "min_length" }) {
        auto it = problem.find(name);
        if (it != problem.end())
            extras += std::string(" ") + name + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
    }
    return extras;
}

}

Error error_from_response(const HttpResponse& response, std::string_view what)
{
    auto problem = json::parse(response.body, nullptr, false);
    std::string status = std::to_string(response.status);
    if (problem.is_object() && problem.contains("type") && problem["type"].is_string()) {
        std::string type = problem["type"].get<std::string>();
        std::string suffix = type.starts_with(problem_prefix) ? type.substr(problem_prefix.size()) : type;
        auto kind = kind_for_problem(suffix).value_or(ErrorKind::ServiceError);
        std::string title = problem.value("title", std::string());
        std::string detail = problem.value("detail", std::string());
        return Error { kind, std::string(what) + ": " + suffix + " (" + status + ")" + (title.empty() ? "" : ": " + title)
                + (detail.empty() ? "" : " — " + detail) + problem_extras(problem) };
    }
    if (response.status == 429)
        return Error { ErrorKind::RateLimited, std::string(what) + ": rate limited (429)" };
    if (response.status >= 500)
        return Error { ErrorKind::ServiceError, std::string(what) + ": the service answered " + status };
    return Error { ErrorKind::HttpStatus, std::string(what) + ": the service answered " + status };
}

ServiceClient::ServiceClient(std::unique_ptr<HttpClient> http, platform::HttpsUrl base)
    : m_http(std::move(http))
    , m_base(std::move(base))
{
}

Result<std::unique_ptr<ServiceClient>> ServiceClient::create(
    const platform::Policy& policy, std::optional<DeviceCredentials> credentials, RetryPolicy retry)
{
    auto config = tls_config_from(policy);
    if (credentials) {
        config.client_certificate_pem = std::move(credentials->certificate_pem);
        config.client_key_pem = std::move(credentials->key_pem);
    }
    return create(std::move(config), policy.service_url, retry);
}

Result<std::unique_ptr<ServiceClient>> ServiceClient::create(TlsConfig config, std::string service_url, RetryPolicy retry)
{
    auto base = platform::parse_https_url(service_url);
    if (!base)
        return fail(ErrorKind::InvalidArgument, "service URL: " + base.error().message);
    auto http = TRY(HttpClient::create(std::move(config), retry));
    return std::unique_ptr<ServiceClient>(new ServiceClient(std::move(http), *base)); // raw-new: private constructor
}

std::string ServiceClient::url(std::string_view path_or_url) const
{
    if (path_or_url.starts_with("https://"))
        return std::string(path_or_url);
    bool v6 = m_base.host.find(':') != std::string::npos;
    std::string origin = "https://" + (v6 ? "[" + m_base.host + "]" : m_base.host) + ":" + std::to_string(m_base.port);
    std::string prefix = m_base.path;
    while (!prefix.empty() && prefix.back() == '/')
        prefix.pop_back();
    return origin + prefix + (path_or_url.starts_with("/") ? "" : "/") + std::string(path_or_url);
}

std::vector<std::pair<std::string, std::string>> ServiceClient::auth_headers() const
{
    std::vector<std::pair<std::string, std::string>> headers;
    if (m_access_token)
        headers.emplace_back("Authorization", "Bearer " + *m_access_token);
    return headers;
}

Result<HttpResponse> ServiceClient::exchange(
    std::string method, std::string_view path, const json* body, Idempotent idempotent, size_t max_bytes)
{
    HttpRequest request { std::move(method), url(path), auth_headers(), {}, idempotent, max_bytes };
    request.headers.emplace_back("Accept", "application/json");
    if (body) {
        request.body = body->dump();
        request.headers.emplace_back("Content-Type", "application/json");
    }
    auto response = TRY(m_http->request(request));
    if (response.status >= 400)
        return tl::make_unexpected(error_from_response(response, request.method + " " + std::string(path)));
    return response;
}

Result<json> ServiceClient::call(
    std::string method, std::string_view path, const json* body, Idempotent idempotent, size_t max_bytes)
{
    std::string what = method + " " + std::string(path);
    auto response = TRY(exchange(std::move(method), path, body, idempotent, max_bytes));
    if (response.status == 204 || response.body.empty())
        return json::object();
    return parse_body(response, what);
}

Result<base::Timestamp> ServiceClient::time()
{
    auto body = TRY(call("GET", "/v1/time", nullptr, Idempotent::Yes));
    auto now = body.is_object() && body.contains("now") && body["now"].is_string()
        ? base::parse_rfc3339(body["now"].get<std::string>())
        : std::nullopt;
    if (!now)
        return fail(ErrorKind::MalformedResponse, "GET /v1/time: `now` is missing or not RFC 3339");
    return *now;
}

Result<EnrolResult> ServiceClient::enrol(
    std::string_view device_id, std::string_view enrolment_code, const drm::PrivateKey& device_key)
{
    std::string message = "hondana-enrol-v1\n" + std::string(device_id) + "\n" + std::string(enrolment_code);
    auto proof = drm::sign_ecdsa_sha256(device_key, drm::as_bytes(message));
    if (!proof)
        return fail(ErrorKind::InvalidArgument, "cannot sign the enrolment proof: " + proof.error().message);
    json body = { { "device_id", device_id }, { "enrolment_code", enrolment_code },
        { "public_key", drm::base64_encode(device_key.public_key().spki_der()) },
        { "proof", drm::base64_encode(*proof) } };
    return parse_enrol_result(TRY(call("POST", "/v1/devices/enrol", &body, Idempotent::No)));
}

Result<Session> ServiceClient::login(std::string_view login_id, std::string_view password, std::optional<std::string> totp)
{
    json body = { { "login_id", login_id }, { "password", password } };
    if (totp)
        body["totp"] = *totp;
    auto session = parse_session(TRY(call("POST", "/v1/auth/login", &body, Idempotent::No)));
    if (session)
        m_access_token = session->access_token;
    return session;
}

Result<Session> ServiceClient::refresh(std::string_view refresh_token)
{
    json body = { { "refresh_token", refresh_token } };
    auto session = parse_session(TRY(call("POST", "/v1/auth/refresh", &body, Idempotent::No)));
    if (session)
        m_access_token = session->access_token;
    return session;
}

Result<void> ServiceClient::logout()
{
    TRY(call("POST", "/v1/auth/logout", nullptr, Idempotent::No));
    m_access_token.reset();
    return {};
}

Result<PasswordChanged> ServiceClient::change_password(std::string_view current_password, std::string_view new_password)
{
    json body = { { "current_password", current_password }, { "new_password", new_password } };
    auto answer = TRY(call("POST", "/v1/me/password", &body, Idempotent::No));
    PasswordChanged changed { TRY(parse_session(answer)), 0 };
    if (answer.contains("signed_out_sessions") && answer["signed_out_sessions"].is_number_integer())
        changed.signed_out_sessions = answer["signed_out_sessions"].get<int64_t>();
    m_access_token = changed.session.access_token;
    return changed;
}

Result<User> ServiceClient::me()
{
    return parse_user(TRY(call("GET", "/v1/me", nullptr, Idempotent::Yes)));
}

Result<CatalogPage> ServiceClient::catalog(std::string_view query, int page, int per_page)
{
    std::string path = "/v1/catalog?q=" + base::percent_encode(query) + "&page=" + std::to_string(page)
        + "&per_page=" + std::to_string(per_page);
    return parse_catalog(TRY(call("GET", path, nullptr, Idempotent::Yes)));
}

Result<LoanList> ServiceClient::loans()
{
    return parse_loan_list(TRY(call("GET", "/v1/loans", nullptr, Idempotent::Yes)));
}

Result<Loan> ServiceClient::borrow(std::string_view title_id)
{
    return parse_loan(TRY(call("POST", "/v1/titles/" + base::percent_encode(title_id) + "/borrow", nullptr, Idempotent::No)));
}

Result<Reservation> ServiceClient::reserve(std::string_view title_id)
{
    return parse_reservation(
        TRY(call("POST", "/v1/titles/" + base::percent_encode(title_id) + "/reserve", nullptr, Idempotent::No)));
}

Result<void> ServiceClient::cancel_reservation(std::string_view reservation_id)
{
    TRY(call("DELETE", "/v1/reservations/" + base::percent_encode(reservation_id), nullptr, Idempotent::Yes));
    return {};
}

Result<Loan> ServiceClient::return_loan(std::string_view loan_id)
{
    return parse_loan(TRY(call("POST", "/v1/loans/" + base::percent_encode(loan_id) + "/return", nullptr, Idempotent::No)));
}

Result<Loan> ServiceClient::renew_loan(std::string_view loan_id)
{
    return parse_loan(TRY(call("POST", "/v1/loans/" + base::percent_encode(loan_id) + "/renew", nullptr, Idempotent::No)));
}

Result<std::string> ServiceClient::licence(std::string_view href_or_id)
{
    std::string path = href_or_id.starts_with("/") || href_or_id.starts_with("https://")
        ? std::string(href_or_id)
        : "/v1/licences/" + base::percent_encode(href_or_id);
    auto response = TRY(exchange("GET", path, nullptr, Idempotent::Yes, 64 * 1024));
    return std::move(response.body);
}

Result<LicenceStatus> ServiceClient::licence_status(std::string_view licence_id)
{
    return parse_licence_status(
        TRY(call("GET", "/v1/licences/" + base::percent_encode(licence_id) + "/status", nullptr, Idempotent::Yes)));
}

Result<LicenceStatus> ServiceClient::register_licence(
    std::string_view licence_id, std::string_view device_id, std::string_view device_name)
{
    std::string path = "/v1/licences/" + base::percent_encode(licence_id) + "/register?id=" + base::percent_encode(device_id)
        + "&name=" + base::percent_encode(device_name);
    return parse_licence_status(TRY(call("POST", path, nullptr, Idempotent::Yes)));
}

Result<LicenceStatus> ServiceClient::return_licence(std::string_view licence_id, std::string_view device_id)
{
    std::string path = "/v1/licences/" + base::percent_encode(licence_id) + "/return?id=" + base::percent_encode(device_id);
    return parse_licence_status(TRY(call("PUT", path, nullptr, Idempotent::Yes)));
}

Result<LicenceStatus> ServiceClient::renew_licence(
    std::string_view licence_id, std::string_view device_id, base::Timestamp end)
{
    std::string path = "/v1/licences/" + base::percent_encode(licence_id) + "/renew?id=" + base::percent_encode(device_id)
        + "&end=" + base::percent_encode(base::format_rfc3339(end));
    return parse_licence_status(TRY(call("PUT", path, nullptr, Idempotent::Yes)));
}

Result<RemotePosition> ServiceClient::put_position(
    std::string_view title_id, std::string_view locator, base::Timestamp updated_at)
{
    json body = { { "locator", locator }, { "updated_at", base::format_rfc3339(updated_at) } };
    return parse_position(TRY(call("PUT", "/v1/positions/" + base::percent_encode(title_id), &body, Idempotent::Yes)));
}

Result<std::vector<RemotePosition>> ServiceClient::positions()
{
    return parse_position_list(TRY(call("GET", "/v1/positions", nullptr, Idempotent::Yes)));
}

Result<CoverImage> ServiceClient::cover(std::string_view title_id)
{
    std::string path = "/v1/titles/" + base::percent_encode(title_id) + "/cover";
    auto response = TRY(exchange("GET", path, nullptr, Idempotent::Yes, 512 * 1024));
    auto type = response.header("content-type").value_or("");
    type = type.substr(0, type.find(';'));
    if (type != "image/svg+xml" && type != "image/png" && type != "image/jpeg")
        return fail(ErrorKind::MalformedResponse, "GET " + path + ": the cover is not an image (" + type + ")");
    if (response.body.empty())
        return fail(ErrorKind::MalformedResponse, "GET " + path + ": the cover is empty");
    return CoverImage { type, std::vector<uint8_t>(response.body.begin(), response.body.end()) };
}

Result<int64_t> ServiceClient::upload_audit(const json& events)
{
    json body = { { "events", events } };
    auto answer = TRY(call("POST", "/v1/audit/events", &body, Idempotent::No));
    if (!answer.contains("accepted_through") || !answer["accepted_through"].is_number_integer())
        return fail(ErrorKind::MalformedResponse, "POST /v1/audit/events: `accepted_through` is missing");
    return answer["accepted_through"].get<int64_t>();
}

Result<DownloadResult> ServiceClient::download(DownloadRequest request, const ProgressCallback& progress)
{
    request.url = url(request.url);
    for (auto& header : auth_headers())
        request.headers.push_back(std::move(header));
    return sync::download(*m_http, request, progress);
}

Result<ClassSession> ServiceClient::create_session(const NewSession& request)
{
    auto body = new_session_json(request);
    return parse_class_session(TRY(call("POST", "/v1/sessions", &body, Idempotent::No)));
}

Result<std::vector<ClassSession>> ServiceClient::sessions()
{
    return parse_session_list(TRY(call("GET", "/v1/sessions", nullptr, Idempotent::Yes)));
}

Result<SessionDetail> ServiceClient::session(std::string_view session_id)
{
    return parse_session_detail(TRY(call("GET", "/v1/sessions/" + base::percent_encode(session_id), nullptr, Idempotent::Yes)));
}

Result<ClassSession> ServiceClient::start_session(std::string_view session_id)
{
    return parse_class_session(
        TRY(call("POST", "/v1/sessions/" + base::percent_encode(session_id) + "/start", nullptr, Idempotent::No)));
}

Result<ClassSession> ServiceClient::guide_session(std::string_view session_id, int page)
{
    json body = { { "page", page } };
    return parse_class_session(
        TRY(call("POST", "/v1/sessions/" + base::percent_encode(session_id) + "/page", &body, Idempotent::Yes)));
}

Result<SessionEnd> ServiceClient::end_session(std::string_view session_id)
{
    return parse_session_end(
        TRY(call("POST", "/v1/sessions/" + base::percent_encode(session_id) + "/end", nullptr, Idempotent::No)));
}

Result<void> ServiceClient::report_session_state(
    std::string_view session_id, std::string_view state, std::optional<int> page)
{
    json body = { { "state", state } };
    if (page)
        body["page"] = *page;
    TRY(call("POST", "/v1/sessions/" + base::percent_encode(session_id) + "/state", &body, Idempotent::Yes));
    return {};
}

Result<StreamAccess> ServiceClient::event_stream_access() const
{
    if (!m_access_token)
        return fail(ErrorKind::TokenInvalid, "no access token for the event stream: sign in first");
    return StreamAccess { url("/v1/events"), *m_access_token };
}

Result<PrefetchResult> ServiceClient::prefetch(
    std::string_view content_href, const std::filesystem::path& destination, const ProgressCallback& progress)
{
    PrefetchRequest request { url(content_href), destination, auth_headers() };
    return prefetch_content(*m_http, request, progress);
}

}
