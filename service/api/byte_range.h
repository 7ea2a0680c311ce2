#pragma once

// HTTP range requests (RFC 9110 §14): one byte range per request. A header
// that is not a single `bytes=` range is ignored (the whole file is sent, as
// the RFC allows); a range that starts past the end is unsatisfiable (416).

#include <cstdint>
#include <string_view>
#include <variant>

namespace hondana::api {

struct WholeFile { };
struct ByteRange {
    uint64_t first { 0 };
    uint64_t last { 0 }; // inclusive
    [[nodiscard]] uint64_t length() const { return last - first + 1; }
};
struct Unsatisfiable { };

using RangeRequest = std::variant<WholeFile, ByteRange, Unsatisfiable>;

[[nodiscard]] RangeRequest parse_range(std::string_view header, uint64_t size);

// Whether an If-None-Match header names `etag` (quoted, weak or strong) or "*".
[[nodiscard]] bool etag_matches(std::string_view header, std::string_view etag);

}
