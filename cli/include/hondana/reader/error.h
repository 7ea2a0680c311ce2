#pragma once

// Errors of the reader core. The kind decides hondana-cli's exit code
// (docs/reader.md); the message starts with the stable code of the module
// error behind it, in brackets (for example "[sync.pin_mismatch] …").

#include <string>
#include <string_view>

#include "hondana/base/result.h"
#include "hondana/platform/error.h"
#include "hondana/store/error.h"
#include "hondana/sync/error.h"

namespace hondana::reader {

enum class ErrorKind {
    Internal,         // a bug or an unexpected failure
    Usage,            // the command was used wrongly
    Policy,           // the managed policy is missing or invalid
    NotEnrolled,      // the device is not enrolled, or enrolment was refused
    NetworkUntrusted, // the trusted-network probe failed: no online work (NET-1)
    NetworkOffline,   // no probe endpoint reachable
    TlsRefused,       // a connection broke the TLS policy (pin, CA, version, suite, redirect, host)
    AuthFailed,       // wrong login ID or password, TOTP wrong or needed
    Locked,           // account locked, or offline sign-in locked
    NotSignedIn,      // no signed-in user, or the session expired
    ServiceRefused,   // the service said no (no copies, loan limit, not found, …)
    LicenceRefused,   // a licence check failed (signature, device, dates, lease, status)
    DeviceRevoked,    // the service revoked this device: it has wiped itself
    ContentInvalid,   // content does not match its licence, or does not decrypt
    Store,            // the local store failed
    Io,               // reading or writing a file failed
    PasswordRejected, // a new password breaks the tenant's rule (the message names the rules)
    // The password was issued by an admin: change it (hondana-cli password) first. Keep last.
    PasswordChangeRequired,
};

using Error = base::Error<ErrorKind>;
template<typename T>
using Result = base::Result<T, ErrorKind>;

[[nodiscard]] std::string_view error_name(ErrorKind kind);
// hondana-cli's exit code for an error kind (0 is success).
[[nodiscard]] int exit_code(ErrorKind kind);

[[nodiscard]] inline auto fail(ErrorKind kind, std::string message)
{
    return base::fail(kind, std::move(message));
}

[[nodiscard]] Error from_platform(const platform::Error& error);
[[nodiscard]] Error from_store(const store::Error& error);
[[nodiscard]] Error from_sync(const sync::Error& error);

}
