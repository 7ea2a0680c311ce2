#pragma once

// Errors of the HTTP layer (setting up TLS and listening). Request-level
// failures never surface here: they become responses or closed connections.

#include <string>
#include <string_view>

#include "hondana/base/result.h"

namespace hondana::http {

enum class ErrorKind {
    Tls,    // the TLS context cannot be built (bad certificate or key file)
    Listen, // the address cannot be parsed, bound or listened on
};

using Error = base::Error<ErrorKind>;
template<typename T> using Result = base::Result<T, ErrorKind>;

[[nodiscard]] inline std::string_view error_code(ErrorKind kind)
{
    return kind == ErrorKind::Tls ? "http.tls" : "http.listen";
}

[[nodiscard]] inline auto fail(ErrorKind kind, std::string message)
{
    return base::fail(kind, std::move(message));
}

}
