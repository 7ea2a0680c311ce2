#include "hondana/render/error.h"

namespace hondana::render {

std::string_view error_code(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidArgument:
        return "render.invalid_argument";
    case ErrorKind::UnsupportedFormat:
        return "render.unsupported_format";
    case ErrorKind::MalformedDocument:
        return "render.malformed_document";
    case ErrorKind::SourceFailed:
        return "render.source_failed";
    case ErrorKind::LimitExceeded:
        return "render.limit_exceeded";
    case ErrorKind::RenderFailed:
        return "render.render_failed";
    case ErrorKind::Cancelled:
        return "render.cancelled";
    case ErrorKind::Internal:
        return "render.internal";
    }
    return "render.unknown";
}

}
