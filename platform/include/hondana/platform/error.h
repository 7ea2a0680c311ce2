#pragma once

// Errors of the platform module. Every kind has a stable code
// (`platform.<name>`) that callers may show, log and test for.

#include <string_view>

#include "hondana/base/result.h"

namespace hondana::platform {

enum class ErrorKind {
    InvalidArgument, // a caller passed something unusable
    Io,              // reading or writing a file failed (message names the file)
    PolicyMissing,   // no policy file found, or a required key is absent everywhere
    PolicyInvalid,   // a policy file is not JSON, has an unknown key, a wrong type or a bad value
    PolicyInsecure,  // a managed policy file is not root-owned or is writable by others
    NotEnrolled,     // the device has no key or no device certificate yet
    KeyStoreCorrupt, // the wrapped device key does not open (altered, or another machine)
    Crypto,          // a drm primitive failed
    Netlink,         // the netlink socket could not be opened or read
};

using Error = base::Error<ErrorKind>;
template<typename T>
using Result = base::Result<T, ErrorKind>;

// Stable code for an error kind, for example "platform.policy_invalid".
[[nodiscard]] std::string_view error_code(ErrorKind kind);

[[nodiscard]] inline auto fail(ErrorKind kind, std::string message)
{
    return base::fail(kind, std::move(message));
}

}
