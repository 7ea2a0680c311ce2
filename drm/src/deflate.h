#pragma once

// Raw deflate (RFC 1951, no zlib or gzip wrapper) through zlib: what ZIP's
// method 8 and EPUB's <Compression Method="8"> use.

#include <cstdint>

#include "hondana/drm/byte_source.h"

namespace hondana::drm::detail {

// Inflates the raw deflate stream in `compressed`. LimitExceeded as soon as
// the output would pass `max_output` bytes (so a bomb is stopped early);
// MalformedPackage for a corrupt or truncated stream. Bytes after the end of
// the stream are ignored.
[[nodiscard]] Result<Bytes> inflate_raw(ByteSource& compressed, uint64_t max_output);

// Deflates `data` (best compression) as a raw stream.
[[nodiscard]] Result<Bytes> deflate_raw(ByteView data);

}
