#pragma once

// Errors of the lending rules. Each kind maps to one problem type of
// docs/protocol.md (api/problem.cpp) and has a stable code (`lending.<name>`).
//
// Unlike base::Error, a lending error carries `details`: the extra members its
// problem document lists (`locked_until`, `queue_length`, `limit`,
// `position`, …), so the rule that knows them reports them, and the route does
// not have to ask again (which would race).

#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "hondana/base/result.h"
#include "storage/error.h"

namespace hondana::lending {

enum class ErrorKind {
    MalformedRequest,       // a member missing, of the wrong type or out of range
    InvalidArgument,        // an admin command's argument is unusable (message says which)
    Conflict,               // the thing exists already (admin commands)
    WeakPassword,           // the password breaks the tenant's rule (details.reasons)
    DeviceUnknown,          // certificate not ours, device not registered or key not the enrolled one
    DeviceRevoked,          // the device was revoked
    EnrolmentInvalid,       // unknown device, wrong or used code, bad proof
    InvalidCredentials,     // wrong login ID or password (unknown IDs answer the same)
    AccountLocked,          // too many failures (details.locked_until when it ends by itself)
    TotpRequired,           // password right; a TOTP code is needed
    TotpInvalid,            // TOTP wrong, out of the ±1 step window, or used before
    WrongSchool,            // the user is not of the device's school
    TokenInvalid,           // access/refresh token unknown, expired, revoked or of another device
    Forbidden,              // the role may not do this
    PasswordChangeRequired, // the user's password was issued by an admin: change it first
    NotFound,               // no such item in this tenant
    NoCopies,               // details.queue_length
    LoanLimit,              // details.limit
    AlreadyBorrowed,        // the user has an active loan of the title
    AlreadyReserved,        // details.position
    LoanNotActive,          // return/renew/licence of a loan that is not active
    RenewRefused,           // someone waits, the renewal limit is reached, or the end asked is too late
    AuditChainBroken,       // a device's audit upload does not continue its chain
    NotEnoughCopies,        // a class session cannot license every student (details.students, .needed, .available)
    SessionState,           // a class session is not in a state that allows this (details.state, .mode)
    Busy,                   // overloaded (a bounded queue is full); retry later
    Internal,               // a bug or I/O failure; the transaction was rolled back
};

struct [[nodiscard]] Error {
    ErrorKind kind;
    std::string message;
    nlohmann::json details = nlohmann::json::object();
};

template<typename T> using Result = tl::expected<T, Error>;

[[nodiscard]] std::string_view error_code(ErrorKind kind);

[[nodiscard]] inline auto fail(ErrorKind kind, std::string message, nlohmann::json details = nlohmann::json::object())
{
    return tl::make_unexpected(Error { kind, std::move(message), std::move(details) });
}

// Maps a storage error (for `.map_error`): constraint failures become
// Conflict, a busy database Busy, anything else Internal.
[[nodiscard]] Error from_storage(const storage::Error& error);

}

// TRY for a storage call inside the lending layer.
#define TRY_DB(...) TRY((__VA_ARGS__).map_error(::hondana::lending::from_storage))
