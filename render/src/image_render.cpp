// render_image: an SVG, PNG or JPEG drawn into an RGB image of a given size.

#include "hondana/render/image.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "engine_state.h"
#include "mupdf_guard.h"

namespace hondana::render {

using detail::guarded;

namespace {

// MuPDF picks its document handler by this "magic" (a MIME type it knows).
std::optional<const char*> magic_for(std::string_view media_type)
{
    if (media_type == "image/svg+xml")
        return "image/svg+xml";
    if (media_type == "image/png")
        return "image/png";
    if (media_type == "image/jpeg")
        return "image/jpeg";
    return std::nullopt;
}

struct OpenedImage {
    detail::BufferHandle buffer;
    detail::StreamHandle stream;
    detail::DocumentHandle document;
    detail::PageHandle page;
    fz_rect bounds {};
};

Result<void> open_image(fz_context* ctx, const char* magic, drm::ByteView bytes, OpenedImage& opened)
{
    fz_buffer* buffer = nullptr;
    fz_stream* stream = nullptr;
    fz_document* document = nullptr;
    fz_page* page = nullptr;
    fz_rect bounds {};
    auto done = guarded(ctx, ErrorKind::MalformedDocument, "opening the image", [&] {
        buffer = fz_new_buffer_from_copied_data(ctx, bytes.data(), bytes.size());
        stream = fz_open_buffer(ctx, buffer);
        document = fz_open_document_with_stream(ctx, magic, stream);
        page = fz_load_page(ctx, document, 0);
        bounds = fz_bound_page(ctx, page);
    });
    opened.buffer = detail::BufferHandle(ctx, buffer);
    opened.stream = detail::StreamHandle(ctx, stream);
    opened.document = detail::DocumentHandle(ctx, document);
    opened.page = detail::PageHandle(ctx, page);
    opened.bounds = bounds;
    return done;
}

}

Result<PageImage> render_image(
    const std::shared_ptr<Engine>& engine, std::string_view media_type, drm::ByteView bytes, int max_width, int max_height)
{
    auto magic = magic_for(media_type);
    if (!magic)
        return fail(ErrorKind::UnsupportedFormat, "not an image type this reader draws: " + std::string(media_type));
    if (bytes.empty())
        return fail(ErrorKind::InvalidArgument, "the image is empty");
    if (max_width < 1 || max_height < 1 || max_width > 4096 || max_height > 4096)
        return fail(ErrorKind::InvalidArgument, "an image is drawn 1 to 4096 pixels wide and high");
    auto context = TRY(engine->state().clone_context());
    fz_context* ctx = context.get();
    OpenedImage opened;
    TRY(open_image(ctx, *magic, bytes, opened));
    float width = opened.bounds.x1 - opened.bounds.x0, height = opened.bounds.y1 - opened.bounds.y0;
    if (!(width > 0 && height > 0))
        return fail(ErrorKind::MalformedDocument, "the image has no size");
    float scale = std::min(static_cast<float>(max_width) / width, static_cast<float>(max_height) / height);
    fz_matrix ctm = fz_scale(scale, scale);
    fz_irect area = fz_round_rect(fz_transform_rect(opened.bounds, ctm));
    area.x1 = std::min(area.x1, area.x0 + max_width);
    area.y1 = std::min(area.y1, area.y0 + max_height);
    PageImage image;
    image.scale = scale;
    image.width = area.x1 - area.x0;
    image.height = area.y1 - area.y0;
    if (image.width <= 0 || image.height <= 0)
        return fail(ErrorKind::MalformedDocument, "the image has no size");
    image.rgb.assign(static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 3, 0xFF);
    fz_pixmap* pixmap = nullptr;
    fz_device* device = nullptr;
    auto drawn = guarded(ctx, ErrorKind::RenderFailed, "drawing the image", [&] {
        pixmap = fz_new_pixmap_with_bbox_and_data(ctx, fz_device_rgb(ctx), area, nullptr, 0, image.rgb.data());
        device = fz_new_draw_device(ctx, fz_identity, pixmap);
        fz_run_page(ctx, opened.page.get(), device, ctm, nullptr);
        fz_close_device(ctx, device);
    });
    detail::DeviceHandle(ctx, device).reset();
    detail::PixmapHandle(ctx, pixmap).reset();
    if (!drawn)
        return tl::make_unexpected(drawn.error());
    return image;
}

}
