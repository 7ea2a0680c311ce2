#pragma once

// Errors of the render module. Every kind has a stable code (`render.<name>`).

#include <string>
#include <string_view>

#include "hondana/base/result.h"

namespace hondana::render {

enum class ErrorKind {
    InvalidArgument,   // a caller passed something unusable (page out of range, scale ≤ 0, …)
    UnsupportedFormat, // not a PDF or EPUB MuPDF can open
    MalformedDocument, // MuPDF could not parse the book (truncated, garbage, broken structure)
    SourceFailed,      // reading the protected bytes failed (tampered, truncated, I/O): see message
    LimitExceeded,     // the book asks for more memory, nesting or entries than we allow
    RenderFailed,      // a page that opened could not be drawn
    Cancelled,         // the work was superseded before it finished
    Internal,          // MuPDF failed where it should not (out of memory at start-up, …)
};

using Error = base::Error<ErrorKind>;
template<typename T>
using Result = base::Result<T, ErrorKind>;

// Stable code for an error kind, for example "render.malformed_document".
[[nodiscard]] std::string_view error_code(ErrorKind kind);

[[nodiscard]] inline auto fail(ErrorKind kind, std::string message)
{
    return base::fail(kind, std::move(message));
}

}
