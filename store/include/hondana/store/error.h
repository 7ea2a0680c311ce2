#pragma once

// Errors of the store module. Every kind has a stable code (`store.<name>`).

#include <string_view>

#include "hondana/base/result.h"

namespace hondana::store {

enum class ErrorKind {
    InvalidArgument,     // a caller passed something unusable
    Io,                  // a file could not be read or written
    Database,            // SQLCipher reported an error (message has its text)
    NotEncrypted,        // the SQLite library has no SQLCipher codec (cipher_version empty)
    WrongKey,            // the database does not open with the key (altered or wrong key)
    SchemaTooNew,        // the database was written by a newer reader
    WrongPassword,       // offline sign-in: the password does not unwrap the store key
    OfflineSignInLocked, // too many wrong offline passwords: sign in online first
    OfflineNotAllowed,   // the policy forbids offline sign-in / reading
    NoLocalStore,        // no store for this user on this device: sign in online first
    NotFound,            // no such title, licence or record
    LicenceInvalid,      // signature or chain to the tenant root does not hold
    LicenceWrongDevice,  // the licence is bound to another device or key
    LicenceNotYetValid,  // rights.start is after trusted time
    LicenceExpired,      // rights.end is before trusted time (the loan is over)
    OfflineLeaseExpired, // too long since the licence was checked online
    LicenceRevoked,      // the service says the licence is revoked/returned/cancelled/expired
    ContentMissing,      // the title is not downloaded (or was erased)
    ContentInvalid,      // the content does not match the licence (length/hash) or does not open
    AuditChainBroken,    // the local audit chain does not verify
    Crypto,              // a drm primitive failed
};

using Error = base::Error<ErrorKind>;
template<typename T>
using Result = base::Result<T, ErrorKind>;

[[nodiscard]] std::string_view error_code(ErrorKind kind);

[[nodiscard]] inline auto fail(ErrorKind kind, std::string message)
{
    return base::fail(kind, std::move(message));
}

}
