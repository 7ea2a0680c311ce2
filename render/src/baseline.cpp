#include "hondana/render/baseline.h"

#include "document_state.h"

namespace hondana::render::baseline {

Result<size_t> open_and_render(const std::vector<uint8_t>& plaintext, bool epub, int page, float scale)
{
    fz_context* ctx = fz_new_context(nullptr, nullptr, FZ_STORE_DEFAULT);
    if (!ctx)
        return fail(ErrorKind::Internal, "MuPDF could not start");
    detail::ContextHandle owned(ctx);
    fz_set_warning_callback(ctx, [](void*, const char*) {}, nullptr);
    fz_set_error_callback(ctx, [](void*, const char*) {}, nullptr);
    fz_stream* stream = nullptr;
    fz_document* doc = nullptr;
    fz_pixmap* pixmap = nullptr;
    size_t pixels = 0;
    auto done = detail::guarded(ctx, ErrorKind::MalformedDocument, "baseline", [&] {
        fz_register_document_handlers(ctx);
        stream = fz_open_memory(ctx, plaintext.data(), plaintext.size());
        doc = fz_open_document_with_stream(ctx, epub ? "application/epub+zip" : "application/pdf", stream);
        if (epub) {
            // The reader's default layout, so both sides draw the same page.
            ReflowSettings reflow;
            fz_set_user_css(ctx, layout_css(reflow, false).c_str());
            fz_layout_document(ctx, doc, reflow.page_width, reflow.page_height, reflow.font_size);
        }
        pixmap = fz_new_pixmap_from_page_number(ctx, doc, page, fz_scale(scale, scale), fz_device_rgb(ctx), 0);
        pixels = static_cast<size_t>(fz_pixmap_width(ctx, pixmap)) * static_cast<size_t>(fz_pixmap_height(ctx, pixmap));
    });
    detail::PixmapHandle pixmap_handle(ctx, pixmap);
    detail::DocumentHandle doc_handle(ctx, doc);
    detail::StreamHandle stream_handle(ctx, stream);
    TRY(done);
    return pixels;
}

}
