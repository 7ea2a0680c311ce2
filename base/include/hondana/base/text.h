#pragma once

// Small text encodings more than one module needs (URLs, hex).

#include <string>
#include <string_view>

namespace hondana::base {

// RFC 3986 percent-encoding: unreserved characters (ALPHA, DIGIT, "-._~")
// stay, every other byte becomes %XX (upper-case hex). For query values and
// path segments.
[[nodiscard]] std::string percent_encode(std::string_view text);

// The value of one hex digit (0-9, a-f, A-F), or -1.
[[nodiscard]] constexpr int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

}
