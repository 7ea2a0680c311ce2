#pragma once

// The error vocabulary every Hondana module uses: errors are values
// (`Result<T, Kind>`), each module names its own small `ErrorKind` enum, and
// `TRY(expr)` returns early with the error so call sites read straight down.

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace hondana::base {

// An error: a module-specific kind (stable, machine-readable) and a message a
// person can act on. Messages never contain secrets.
template<typename Kind>
struct [[nodiscard]] Error {
    Kind kind;
    std::string message;
};

template<typename T, typename Kind>
using Result = tl::expected<T, Error<Kind>>;

template<typename Kind>
[[nodiscard]] auto fail(Kind kind, std::string message)
{
    return tl::make_unexpected(Error<Kind> { kind, std::move(message) });
}

namespace detail {

template<typename T, typename E>
T release_value(tl::expected<T, E>&& result)
{
    return std::move(*result);
}

template<typename E>
void release_value(tl::expected<void, E>&&)
{
}

}

}

// Evaluates a Result; on error returns it from the enclosing function, else
// yields the value. Uses a GNU statement expression (GCC and Clang).
#define TRY(...)                                                                   \
    ({                                                                             \
        auto _hondana_try_result = (__VA_ARGS__);                                  \
        if (!_hondana_try_result)                                                  \
            return tl::make_unexpected(std::move(_hondana_try_result.error()));    \
        ::hondana::base::detail::release_value(std::move(_hondana_try_result));    \
    })
