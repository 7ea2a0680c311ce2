#include "api/problem.h"

#include <array>

#include "hondana/base/time.h"
#include "http/log.h"

namespace hondana::api {

namespace {

using lending::ErrorKind;

constexpr std::array<ProblemType, 31> problem_types = { {
    { "malformed-request", 400, "Malformed request" },
    { "weak-password", 400, "Password does not meet the rule" },
    { "device-required", 401, "Device certificate required" },
    { "invalid-credentials", 401, "Wrong login ID or password" },
    { "totp-required", 401, "One-time code required" },
    { "totp-invalid", 401, "One-time code not accepted" },
    { "token-invalid", 401, "Token not valid" },
    { "device-unknown", 403, "Device not known" },
    { "device-revoked", 403, "Device revoked" },
    { "enrolment-invalid", 403, "Enrolment refused" },
    { "wrong-school", 403, "Not a user of this device's school" },
    { "forbidden", 403, "Not allowed" },
    { "password-change-required", 403, "Password change required" },
    { "not-found", 404, "Not found" },
    { "method-not-allowed", 405, "Method not allowed" },
    { "conflict", 409, "Conflict" },
    { "no-copies", 409, "No copy available" },
    { "loan-limit", 409, "Loan limit reached" },
    { "already-borrowed", 409, "Already borrowed" },
    { "already-reserved", 409, "Already reserved" },
    { "loan-not-active", 409, "Loan not active" },
    { "renew-refused", 409, "Renewal refused" },
    { "audit-chain-broken", 409, "Audit chain broken" },
    { "not-enough-copies", 409, "Not enough copies for the class" },
    { "session-state", 409, "Session not in that state" },
    { "body-too-large", 413, "Request body too large" },
    { "range-not-satisfiable", 416, "Range not satisfiable" },
    { "account-locked", 423, "Account locked" },
    { "rate-limited", 429, "Too many requests" },
    { "headers-too-large", 431, "Request headers too large" },
    { "internal", 500, "Internal error" },
} };

std::string_view name_for(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::MalformedRequest:
    case ErrorKind::InvalidArgument:
        return "malformed-request";
    case ErrorKind::Conflict:
        return "conflict";
    case ErrorKind::WeakPassword:
        return "weak-password";
    case ErrorKind::DeviceUnknown:
        return "device-unknown";
    case ErrorKind::DeviceRevoked:
        return "device-revoked";
    case ErrorKind::EnrolmentInvalid:
        return "enrolment-invalid";
    case ErrorKind::InvalidCredentials:
        return "invalid-credentials";
    case ErrorKind::AccountLocked:
        return "account-locked";
    case ErrorKind::TotpRequired:
        return "totp-required";
    case ErrorKind::TotpInvalid:
        return "totp-invalid";
    case ErrorKind::WrongSchool:
        return "wrong-school";
    case ErrorKind::TokenInvalid:
        return "token-invalid";
    case ErrorKind::Forbidden:
        return "forbidden";
    case ErrorKind::PasswordChangeRequired:
        return "password-change-required";
    case ErrorKind::NotFound:
        return "not-found";
    case ErrorKind::NoCopies:
        return "no-copies";
    case ErrorKind::LoanLimit:
        return "loan-limit";
    case ErrorKind::AlreadyBorrowed:
        return "already-borrowed";
    case ErrorKind::AlreadyReserved:
        return "already-reserved";
    case ErrorKind::LoanNotActive:
        return "loan-not-active";
    case ErrorKind::RenewRefused:
        return "renew-refused";
    case ErrorKind::AuditChainBroken:
        return "audit-chain-broken";
    case ErrorKind::NotEnoughCopies:
        return "not-enough-copies";
    case ErrorKind::SessionState:
        return "session-state";
    case ErrorKind::Busy:
        return "rate-limited";
    case ErrorKind::Internal:
        return "internal";
    }
    return "internal";
}

}

ProblemType problem_named(std::string_view name)
{
    for (const auto& type : problem_types)
        if (type.name == name)
            return type;
    return problem_types.back();
}

ProblemType problem_for(lending::ErrorKind kind)
{
    return problem_named(name_for(kind));
}

std::vector<ProblemType> all_problem_types()
{
    return { problem_types.begin(), problem_types.end() };
}

void add_common_headers(http::StringResponse& response, std::string_view request_id)
{
    response.set("X-Hondana-Time", base::format_rfc3339(base::now_utc()));
    response.set("X-Request-Id", http::to_beast(request_id));
    response.set(boost::beast::http::field::cache_control, "no-store");
    response.set("X-Content-Type-Options", "nosniff");
}

http::Response make_json(unsigned status, const nlohmann::json& body, const http::RequestContext& context,
    unsigned version, std::string_view content_type)
{
    http::StringResponse response { static_cast<boost::beast::http::status>(status), version };
    add_common_headers(response, context.request_id);
    response.set(boost::beast::http::field::content_type, http::to_beast(content_type));
    response.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return { std::move(response), nlohmann::json::object() };
}

http::Response make_problem(const ProblemType& type, std::string detail, const nlohmann::json& extra,
    const http::RequestContext& context, unsigned version)
{
    if (type.name == "internal") {
        http::log_event(http::LogLevel::Failure, "http.internal_error",
            { { "request_id", context.request_id }, { "detail", detail } });
        detail = "the request failed inside the service; nothing was half-done (request id " + context.request_id + ")";
    }
    nlohmann::json body = { { "type", std::string(problem_prefix) + std::string(type.name) }, { "title", type.title },
        { "status", type.status }, { "detail", detail }, { "instance", context.request_id } };
    if (extra.is_object())
        for (const auto& [key, value] : extra.items())
            if (!body.contains(key))
                body[key] = value;
    auto response = make_json(type.status, body, context, version, "application/problem+json");
    auto& message = std::get<http::StringResponse>(response.message);
    if (type.name == "rate-limited")
        message.set(boost::beast::http::field::retry_after, "1");
    if (type.status == 401 && type.name == "token-invalid")
        message.set(boost::beast::http::field::www_authenticate, "Bearer error=\"invalid_token\"");
    response.log = { { "problem", type.name } };
    return response;
}

http::Response make_problem(const lending::Error& error, const http::RequestContext& context, unsigned version)
{
    return make_problem(problem_for(error.kind), error.message, error.details, context, version);
}

}
