#pragma once

// The one place MuPDF's setjmp-based exceptions meet our Result errors, and
// RAII handles for every MuPDF object render/ keeps. Private to render/.
//
// A body run by `guarded` may call MuPDF freely but must not construct C++
// objects with destructors inside itself: a longjmp out of it skips them.
// Objects declared outside the body (results, vectors it appends to) are fine.

#include <memory>
#include <string>
#include <utility>

extern "C" {
#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
}

#include "hondana/render/error.h"

namespace hondana::render::detail {

// Maps a caught MuPDF error code to our kind; `fallback` is used for generic errors.
[[nodiscard]] ErrorKind kind_for_mupdf_code(int code, ErrorKind fallback);

// Runs `body()` inside fz_try on `ctx`. On a MuPDF error returns an Error of
// the mapped kind whose message is "<what>: <MuPDF's message>".
template<typename Body>
[[nodiscard]] Result<void> guarded(fz_context* ctx, ErrorKind fallback, const char* what, Body&& body)
{
    int volatile code = FZ_ERROR_NONE;
    fz_try(ctx)
    {
        body();
    }
    fz_catch(ctx)
    {
        code = fz_caught(ctx);
    }
    if (code != FZ_ERROR_NONE)
        return fail(kind_for_mupdf_code(code, fallback), std::string(what) + ": " + fz_caught_message(ctx));
    return {};
}

// A MuPDF object owned by one reference, dropped with `drop` on the context
// it was made with. The context must outlive the handle.
template<typename T, void (*Drop)(fz_context*, T*)>
class FzHandle {
public:
    FzHandle() = default;
    FzHandle(fz_context* ctx, T* object)
        : m_ctx(ctx)
        , m_object(object)
    {
    }
    ~FzHandle() { reset(); }
    FzHandle(FzHandle&& other) noexcept
        : m_ctx(other.m_ctx)
        , m_object(std::exchange(other.m_object, nullptr))
    {
    }
    FzHandle& operator=(FzHandle&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_ctx = other.m_ctx;
            m_object = std::exchange(other.m_object, nullptr);
        }
        return *this;
    }
    FzHandle(const FzHandle&) = delete;
    FzHandle& operator=(const FzHandle&) = delete;

    [[nodiscard]] T* get() const { return m_object; }
    [[nodiscard]] explicit operator bool() const { return m_object != nullptr; }
    void reset()
    {
        if (m_object)
            Drop(m_ctx, m_object);
        m_object = nullptr;
    }

private:
    fz_context* m_ctx { nullptr };
    T* m_object { nullptr };
};

using DocumentHandle = FzHandle<fz_document, fz_drop_document>;
using StreamHandle = FzHandle<fz_stream, fz_drop_stream>;
using PageHandle = FzHandle<fz_page, fz_drop_page>;
using PixmapHandle = FzHandle<fz_pixmap, fz_drop_pixmap>;
using DisplayListHandle = FzHandle<fz_display_list, fz_drop_display_list>;
using DeviceHandle = FzHandle<fz_device, fz_drop_device>;
using BufferHandle = FzHandle<fz_buffer, fz_drop_buffer>;
using LinkHandle = FzHandle<fz_link, fz_drop_link>;
using OutlineHandle = FzHandle<fz_outline, fz_drop_outline>;
using StextHandle = FzHandle<fz_stext_page, fz_drop_stext_page>;
using FontHandle = FzHandle<fz_font, fz_drop_font>;
using WriterHandle = FzHandle<fz_document_writer, fz_drop_document_writer>;

// A cloned (or base) context, dropped when the handle goes.
struct ContextDeleter {
    void operator()(fz_context* ctx) const { fz_drop_context(ctx); }
};
using ContextHandle = std::unique_ptr<fz_context, ContextDeleter>;

}
