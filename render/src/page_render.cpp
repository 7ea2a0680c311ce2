#include "page_render.h"

#include <cmath>
#include <cstring>

#include "hondana/render/theme.h"

namespace hondana::render {

using detail::guarded;

namespace {

// Checks the scale and works out the pixel area of a page (or tile).
Result<fz_irect> pixel_area(fz_rect bounds, float scale, std::optional<PixelRect> tile)
{
    if (!(scale > 0.01f && scale <= 16.0f))
        return fail(ErrorKind::InvalidArgument, "scale must be between 0.01 and 16");
    fz_irect area = fz_round_rect(fz_transform_rect(bounds, fz_scale(scale, scale)));
    if (tile)
        area = fz_intersect_irect(area, fz_make_irect(tile->x0, tile->y0, tile->x1, tile->y1));
    if (fz_is_empty_irect(area))
        return fail(ErrorKind::InvalidArgument, "the requested tile is outside the page");
    if (int64_t(area.x1 - area.x0) * (area.y1 - area.y0) > 64LL * 1024 * 1024)
        return fail(ErrorKind::LimitExceeded, "the requested image is larger than 64 megapixels");
    return area;
}

// A white image of `area`, and a pixmap that draws straight into its bytes
// (no copy afterwards). The pixmap must be dropped before the image moves.
PageImage blank_image(fz_irect area, int page, float scale, Theme theme)
{
    PageImage image;
    image.page = page;
    image.scale = scale;
    image.theme = theme;
    image.x = area.x0;
    image.y = area.y0;
    image.width = area.x1 - area.x0;
    image.height = area.y1 - area.y0;
    image.rgb.assign(static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 3, 0xFF);
    return image;
}

// Runs the page straight into pixels on the document's context (one pass, no
// display list): what a tool wants for one page.
Result<PageImage> render_direct(Document::State& state, int page, float scale, Theme theme, std::optional<PixelRect> tile)
{
    std::lock_guard lock(state.mutex);
    auto loaded = TRY(state.load_page(page));
    fz_context* ctx = state.ctx.get();
    fz_rect bounds {};
    TRY(detail::guarded(ctx, ErrorKind::RenderFailed, "measuring the page", [&] { bounds = fz_bound_page(ctx, loaded.get()); }));
    fz_irect area = TRY(pixel_area(bounds, scale, tile));
    PageImage image = blank_image(area, page, scale, theme);
    fz_pixmap* pixmap = nullptr;
    fz_device* device = nullptr;
    auto drawn = detail::guarded(ctx, ErrorKind::RenderFailed, "rendering the page", [&] {
        pixmap = fz_new_pixmap_with_bbox_and_data(ctx, fz_device_rgb(ctx), area, nullptr, 0, image.rgb.data());
        device = fz_new_draw_device(ctx, fz_identity, pixmap);
        fz_run_page(ctx, loaded.get(), device, fz_scale(scale, scale), nullptr);
        fz_close_device(ctx, device);
    });
    detail::DeviceHandle(ctx, device).reset();
    detail::PixmapHandle(ctx, pixmap).reset();
    if (!drawn)
        return tl::make_unexpected(state.explain(drawn.error()));
    TRY(state.check_source()); // an image whose read failed is drawn as nothing
    apply_theme(theme, image.rgb);
    return image;
}

}

namespace detail {

RecordedPage::~RecordedPage()
{
    // Dropping touches only the shared allocator and locks, never a context's
    // error stack, so the engine's base context may drop from any thread.
    if (list)
        fz_drop_display_list(engine->state().base.get(), list);
}

Result<std::shared_ptr<RecordedPage>> record_page(const Document& document, int page)
{
    auto& state = document.state();
    auto recorded = std::make_shared<RecordedPage>();
    recorded->engine = state.engine;
    std::lock_guard lock(state.mutex);
    auto loaded = TRY(state.load_page(page));
    fz_context* ctx = state.ctx.get();
    fz_display_list* list = nullptr;
    fz_rect bounds {};
    auto made = guarded(ctx, ErrorKind::RenderFailed, "drawing the page", [&] {
        bounds = fz_bound_page(ctx, loaded.get());
        list = fz_new_display_list_from_page(ctx, loaded.get());
    });
    if (!made)
        return tl::make_unexpected(state.explain(made.error()));
    recorded->list = list;
    recorded->bounds = bounds;
    TRY(state.check_source()); // an image whose read failed is recorded as nothing
    return recorded;
}

Result<PageImage> rasterize(fz_context* ctx, const RecordedPage& recorded, int page, float scale, Theme theme,
    std::optional<PixelRect> tile, fz_cookie* cookie)
{
    fz_irect area = TRY(pixel_area(recorded.bounds, scale, tile));
    fz_matrix ctm = fz_scale(scale, scale);
    PageImage image = blank_image(area, page, scale, theme);
    fz_pixmap* pixmap = nullptr;
    fz_device* device = nullptr;
    auto drawn = guarded(ctx, ErrorKind::RenderFailed, "rendering the page", [&] {
        pixmap = fz_new_pixmap_with_bbox_and_data(ctx, fz_device_rgb(ctx), area, nullptr, 0, image.rgb.data());
        device = fz_new_draw_device(ctx, fz_identity, pixmap);
        fz_run_display_list(ctx, recorded.list, device, ctm, fz_rect_from_irect(area), cookie);
        fz_close_device(ctx, device);
    });
    detail::DeviceHandle(ctx, device).reset();
    detail::PixmapHandle(ctx, pixmap).reset();
    if (!drawn)
        return tl::make_unexpected(drawn.error());
    if (cookie && cookie->abort)
        return fail(ErrorKind::Cancelled, "the page was no longer wanted");
    apply_theme(theme, image.rgb);
    return image;
}

}

Result<PageImage> Document::render_page(int page, float scale, Theme theme) const
{
    return render_direct(*m_state, page, scale, theme, std::nullopt);
}

Result<PageImage> Document::render_tile(int page, float scale, PixelRect tile, Theme theme) const
{
    return render_direct(*m_state, page, scale, theme, tile);
}

Result<std::vector<uint8_t>> encode_png(std::shared_ptr<Engine> engine, const PageImage& image)
{
    if (image.width <= 0 || image.height <= 0
        || image.rgb.size() != static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 3)
        return fail(ErrorKind::InvalidArgument, "the image has no pixels or the wrong size");
    auto ctx = TRY(engine->state().clone_context());
    fz_context* c = ctx.get();
    fz_pixmap* pixmap = nullptr;
    fz_buffer* buffer = nullptr;
    auto encoded = guarded(c, ErrorKind::Internal, "encoding PNG", [&] {
        pixmap = fz_new_pixmap(c, fz_device_rgb(c), image.width, image.height, nullptr, 0);
        unsigned char* samples = fz_pixmap_samples(c, pixmap);
        auto stride = static_cast<size_t>(fz_pixmap_stride(c, pixmap));
        size_t row = static_cast<size_t>(image.width) * 3;
        for (int y = 0; y < image.height; ++y)
            memcpy(samples + stride * static_cast<size_t>(y), image.rgb.data() + row * static_cast<size_t>(y), row);
        buffer = fz_new_buffer_from_pixmap_as_png(c, pixmap, fz_default_color_params);
    });
    detail::PixmapHandle pixmap_handle(c, pixmap);
    detail::BufferHandle buffer_handle(c, buffer);
    if (!encoded)
        return tl::make_unexpected(encoded.error());
    unsigned char* data = nullptr;
    size_t length = fz_buffer_storage(c, buffer, &data);
    return std::vector<uint8_t>(data, data + length);
}

Result<std::vector<uint8_t>> render_page_png(
    std::shared_ptr<Engine> engine, const Document& document, int page, float scale, Theme theme)
{
    auto image = TRY(document.render_page(page, scale, theme));
    return encode_png(std::move(engine), image);
}

}
