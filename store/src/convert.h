#pragma once

// Maps errors of the modules store builds on into store errors, keeping the
// message and the original code.

#include "hondana/drm/error.h"
#include "hondana/platform/error.h"
#include "hondana/store/error.h"

namespace hondana::store::detail {

inline Error from_drm(const drm::Error& error)
{
    return Error { ErrorKind::Crypto, std::string(drm::error_code(error.kind)) + ": " + error.message };
}

inline Error from_platform(const platform::Error& error)
{
    auto kind = error.kind == platform::ErrorKind::Io ? ErrorKind::Io : ErrorKind::Crypto;
    return Error { kind, std::string(platform::error_code(error.kind)) + ": " + error.message };
}

}
