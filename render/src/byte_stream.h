#pragma once

// A seekable fz_stream over a drm::ByteSource (a decryptor, usually): MuPDF
// pulls plaintext a block at a time, and a few recent blocks are kept so its
// many short backward seeks (xref, object streams) do not decrypt again.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hondana/drm/byte_source.h"
#include "mupdf_guard.h"

namespace hondana::render::detail {

// What went wrong below MuPDF, kept so a MuPDF error caused by the source can
// be reported as the source's own error (drm.content_tampered, …).
class SourceStatus {
public:
    void record(const drm::Error& error);
    [[nodiscard]] std::optional<drm::Error> first_error() const;

private:
    mutable std::mutex m_mutex;
    std::optional<drm::Error> m_first;
};

struct StreamOptions {
    size_t block_size { 64 * 1024 };
    size_t cached_blocks { 4 };
    // Where a block read from an offset must stop (a synthetic ZIP: before the
    // next resource's bytes, so reading one entry never decrypts its
    // neighbours). Blocks then start where MuPDF reads instead of on
    // block_size boundaries. Unset: aligned blocks of block_size.
    std::function<uint64_t(uint64_t offset)> read_end;
};

// Opens the stream (MuPDF owns it; drop it with fz_drop_stream). Throws a
// MuPDF error on allocation failure, so call it inside `guarded`.
fz_stream* open_byte_stream(fz_context* ctx, std::shared_ptr<drm::ByteSource> source,
    std::shared_ptr<SourceStatus> status, const StreamOptions& options);

}
