#include "hondana/sync/error.h"

#include <array>
#include <utility>

namespace hondana::sync {

namespace {

constexpr std::array<std::pair<std::string_view, ErrorKind>, 31> problem_kinds { {
    { "malformed-request", ErrorKind::MalformedRequest },
    { "body-too-large", ErrorKind::BodyTooLarge },
    { "device-required", ErrorKind::DeviceRequired },
    { "device-unknown", ErrorKind::DeviceUnknown },
    { "device-revoked", ErrorKind::DeviceRevoked },
    { "enrolment-invalid", ErrorKind::EnrolmentInvalid },
    { "invalid-credentials", ErrorKind::InvalidCredentials },
    { "account-locked", ErrorKind::AccountLocked },
    { "totp-required", ErrorKind::TotpRequired },
    { "totp-invalid", ErrorKind::TotpInvalid },
    { "wrong-school", ErrorKind::WrongSchool },
    { "token-invalid", ErrorKind::TokenInvalid },
    { "forbidden", ErrorKind::Forbidden },
    { "not-found", ErrorKind::NotFound },
    { "no-copies", ErrorKind::NoCopies },
    { "loan-limit", ErrorKind::LoanLimit },
    { "already-borrowed", ErrorKind::AlreadyBorrowed },
    { "already-reserved", ErrorKind::AlreadyReserved },
    { "loan-not-active", ErrorKind::LoanNotActive },
    { "renew-refused", ErrorKind::RenewRefused },
    { "rate-limited", ErrorKind::RateLimited },
    { "audit-chain-broken", ErrorKind::AuditChainBroken },
    { "weak-password", ErrorKind::WeakPassword },
    { "method-not-allowed", ErrorKind::MethodNotAllowed },
    { "conflict", ErrorKind::Conflict },
    { "range-not-satisfiable", ErrorKind::RangeNotSatisfiable },
    { "headers-too-large", ErrorKind::HeadersTooLarge },
    { "not-enough-copies", ErrorKind::NotEnoughCopies },
    { "session-state", ErrorKind::SessionState },
    { "password-change-required", ErrorKind::PasswordChangeRequired },
    { "internal", ErrorKind::ServiceError },
} };

}

std::optional<ErrorKind> kind_for_problem(std::string_view type)
{
    for (const auto& [name, kind] : problem_kinds) {
        if (name == type)
            return kind;
    }
    return std::nullopt;
}

bool is_transient(ErrorKind kind)
{
    return kind == ErrorKind::Unreachable || kind == ErrorKind::Timeout || kind == ErrorKind::RateLimited
        || kind == ErrorKind::ServiceError;
}

bool is_tls_policy_failure(ErrorKind kind)
{
    return kind == ErrorKind::TlsProtocolVersion || kind == ErrorKind::TlsNoCommonCipher
        || kind == ErrorKind::TlsHandshake || kind == ErrorKind::PinMismatch
        || kind == ErrorKind::UntrustedCertificate;
}

std::string_view error_code(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidArgument: return "sync.invalid_argument";
    case ErrorKind::HostNotAllowed: return "sync.host_not_allowed";
    case ErrorKind::RedirectRefused: return "sync.redirect_refused";
    case ErrorKind::RedirectOffAllowlist: return "sync.redirect_off_allowlist";
    case ErrorKind::Unreachable: return "sync.unreachable";
    case ErrorKind::Timeout: return "sync.timeout";
    case ErrorKind::TlsProtocolVersion: return "sync.tls_protocol_version";
    case ErrorKind::TlsNoCommonCipher: return "sync.tls_no_common_cipher";
    case ErrorKind::TlsHandshake: return "sync.tls_handshake";
    case ErrorKind::PinMismatch: return "sync.pin_mismatch";
    case ErrorKind::UntrustedCertificate: return "sync.untrusted_certificate";
    case ErrorKind::MalformedResponse: return "sync.malformed_response";
    case ErrorKind::ResponseTooLarge: return "sync.response_too_large";
    case ErrorKind::HashMismatch: return "sync.hash_mismatch";
    case ErrorKind::Io: return "sync.io";
    case ErrorKind::Cancelled: return "sync.cancelled";
    case ErrorKind::HttpStatus: return "sync.http_status";
    case ErrorKind::MalformedRequest: return "sync.malformed_request";
    case ErrorKind::BodyTooLarge: return "sync.body_too_large";
    case ErrorKind::DeviceRequired: return "sync.device_required";
    case ErrorKind::DeviceUnknown: return "sync.device_unknown";
    case ErrorKind::DeviceRevoked: return "sync.device_revoked";
    case ErrorKind::EnrolmentInvalid: return "sync.enrolment_invalid";
    case ErrorKind::InvalidCredentials: return "sync.invalid_credentials";
    case ErrorKind::AccountLocked: return "sync.account_locked";
    case ErrorKind::TotpRequired: return "sync.totp_required";
    case ErrorKind::TotpInvalid: return "sync.totp_invalid";
    case ErrorKind::WrongSchool: return "sync.wrong_school";
    case ErrorKind::TokenInvalid: return "sync.token_invalid";
    case ErrorKind::Forbidden: return "sync.forbidden";
    case ErrorKind::NotFound: return "sync.not_found";
    case ErrorKind::NoCopies: return "sync.no_copies";
    case ErrorKind::LoanLimit: return "sync.loan_limit";
    case ErrorKind::AlreadyBorrowed: return "sync.already_borrowed";
    case ErrorKind::AlreadyReserved: return "sync.already_reserved";
    case ErrorKind::LoanNotActive: return "sync.loan_not_active";
    case ErrorKind::RenewRefused: return "sync.renew_refused";
    case ErrorKind::RateLimited: return "sync.rate_limited";
    case ErrorKind::AuditChainBroken: return "sync.audit_chain_broken";
    case ErrorKind::WeakPassword: return "sync.weak_password";
    case ErrorKind::MethodNotAllowed: return "sync.method_not_allowed";
    case ErrorKind::Conflict: return "sync.conflict";
    case ErrorKind::RangeNotSatisfiable: return "sync.range_not_satisfiable";
    case ErrorKind::HeadersTooLarge: return "sync.headers_too_large";
    case ErrorKind::NotEnoughCopies: return "sync.not_enough_copies";
    case ErrorKind::SessionState: return "sync.session_state";
    case ErrorKind::PasswordChangeRequired: return "sync.password_change_required";
    case ErrorKind::ServiceError: return "sync.service_error";
    }
    return "sync.unknown";
}

}
