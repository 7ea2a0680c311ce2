#pragma once

// Errors of the sync module. Transport and TLS failures each have their own
// kind, and every problem type of docs/protocol.md maps to one kind, so a
// caller can act on `kind` and show `message`. Codes: `sync.<name>`.

#include <optional>
#include <string_view>

#include "hondana/base/result.h"

namespace hondana::sync {

enum class ErrorKind {
    InvalidArgument,
    // Transport and TLS policy
    HostNotAllowed,        // the URL's host:port is not in the policy's allowlist
    RedirectRefused,       // the service answered with a redirect (never followed)
    RedirectOffAllowlist,  // …and it pointed to a host off the allowlist
    Unreachable,           // DNS failure, connection refused, reset, nothing received
    Timeout,               // the request took longer than the policy allows
    TlsProtocolVersion,    // the server offers only TLS older than 1.2
    TlsNoCommonCipher,     // no CRYPTREC suite / curve in common (for example a CBC-only server)
    TlsHandshake,          // another TLS handshake failure
    PinMismatch,           // the server's key matches none of the policy's pins
    UntrustedCertificate,  // the server's chain does not verify to the tenant root
    MalformedResponse,     // a response we cannot read (bad JSON, missing member, …)
    ResponseTooLarge,      // over the size limit for that call
    HashMismatch,          // downloaded content does not match the licence's hash or length
    Io,                    // writing a download failed
    Cancelled,             // the caller cancelled
    HttpStatus,            // an error status without a problem document
    // Problem types (docs/protocol.md)
    MalformedRequest,
    BodyTooLarge,
    DeviceRequired,
    DeviceUnknown,
    DeviceRevoked,
    EnrolmentInvalid,
    InvalidCredentials,
    AccountLocked,
    TotpRequired,
    TotpInvalid,
    WrongSchool,
    TokenInvalid,
    Forbidden,
    NotFound,
    NoCopies,
    LoanLimit,
    AlreadyBorrowed,
    AlreadyReserved,
    LoanNotActive,
    RenewRefused,
    RateLimited,
    AuditChainBroken,
    WeakPassword,
    MethodNotAllowed,
    Conflict,
    RangeNotSatisfiable,
    HeadersTooLarge,
    NotEnoughCopies, // a class session cannot start: the problem lists who gets no copy
    SessionState,    // the class session is not in the state the call needs
    // The password was issued by an admin: until it is changed (POST /v1/me/password)
    // every other user route but logout and GET /v1/me is refused.
    PasswordChangeRequired,
    ServiceError, // `internal` or a problem type this reader does not know
};

using Error = base::Error<ErrorKind>;
template<typename T>
using Result = base::Result<T, ErrorKind>;

[[nodiscard]] std::string_view error_code(ErrorKind kind);
// The problem `type` suffix (after urn:hondana:problem:) → kind; nullopt when unknown.
[[nodiscard]] std::optional<ErrorKind> kind_for_problem(std::string_view type);
// Whether trying again later can help (network trouble, rate limits, 5xx).
[[nodiscard]] bool is_transient(ErrorKind kind);
// Whether the error means someone else answered for the service (the network is not trusted).
[[nodiscard]] bool is_tls_policy_failure(ErrorKind kind);

[[nodiscard]] inline auto fail(ErrorKind kind, std::string message)
{
    return base::fail(kind, std::move(message));
}

}
