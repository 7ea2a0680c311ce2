// Illustrated PDFs through MuPDF's document writer: every picture is drawn
// here from paths, every line of text is laid out by fz_story.

#include <cmath>

#include "hondana/samples/samples.h"
#include "mupdf_guard.h"
#include "sample_pdf_catalog.h"

namespace hondana::samples {

using render::ErrorKind;
using render::detail::guarded;

namespace {

constexpr float page_width = 595;
constexpr float page_height = 420;

struct Rgb {
    float r, g, b;
};

void fill(fz_context* ctx, fz_device* dev, fz_path* path, Rgb color)
{
    float rgb[3] = { color.r, color.g, color.b };
    fz_fill_path(ctx, dev, path, 0, fz_identity, fz_device_rgb(ctx), rgb, 1.0f, fz_default_color_params);
}

// Fills a polygon of `count` points; drops the path even when drawing throws.
void polygon(fz_context* ctx, fz_device* dev, const float* xy, int count, Rgb color)
{
    fz_path* path = fz_new_path(ctx);
    fz_try(ctx)
    {
        fz_moveto(ctx, path, xy[0], xy[1]);
        for (int i = 1; i < count; ++i)
            fz_lineto(ctx, path, xy[2 * i], xy[2 * i + 1]);
        fz_closepath(ctx, path);
        fill(ctx, dev, path, color);
    }
    fz_always(ctx) fz_drop_path(ctx, path);
    fz_catch(ctx) fz_rethrow(ctx);
}

void ellipse(fz_context* ctx, fz_device* dev, float cx, float cy, float rx, float ry, Rgb color)
{
    constexpr float k = 0.5523f; // cubic Bézier approximation of a quarter circle
    fz_path* path = fz_new_path(ctx);
    fz_try(ctx)
    {
        fz_moveto(ctx, path, cx + rx, cy);
        fz_curveto(ctx, path, cx + rx, cy + k * ry, cx + k * rx, cy + ry, cx, cy + ry);
        fz_curveto(ctx, path, cx - k * rx, cy + ry, cx - rx, cy + k * ry, cx - rx, cy);
        fz_curveto(ctx, path, cx - rx, cy - k * ry, cx - k * rx, cy - ry, cx, cy - ry);
        fz_curveto(ctx, path, cx + k * rx, cy - ry, cx + rx, cy - k * ry, cx + rx, cy);
        fz_closepath(ctx, path);
        fill(ctx, dev, path, color);
    }
    fz_always(ctx) fz_drop_path(ctx, path);
    fz_catch(ctx) fz_rethrow(ctx);
}

void box(fz_context* ctx, fz_device* dev, float x0, float y0, float x1, float y1, Rgb color)
{
    const float xy[] = { x0, y0, x1, y0, x1, y1, x0, y1 };
    polygon(ctx, dev, xy, 4, color);
}

// A fox sitting at (x, y) (its feet), `s` high, reading a red book.
void fox(fz_context* ctx, fz_device* dev, float x, float y, float s)
{
    const Rgb orange { 0.91f, 0.45f, 0.13f }, cream { 0.99f, 0.93f, 0.82f }, dark { 0.2f, 0.12f, 0.08f };
    ellipse(ctx, dev, x + 0.42f * s, y - 0.18f * s, 0.32f * s, 0.12f * s, orange); // tail
    ellipse(ctx, dev, x + 0.70f * s, y - 0.22f * s, 0.08f * s, 0.07f * s, cream);  // tail tip
    ellipse(ctx, dev, x, y - 0.32f * s, 0.22f * s, 0.32f * s, orange);             // body
    ellipse(ctx, dev, x, y - 0.26f * s, 0.12f * s, 0.2f * s, cream);               // chest
    const float head[] = { x - 0.24f * s, y - 0.72f * s, x + 0.24f * s, y - 0.72f * s, x, y - 0.46f * s };
    polygon(ctx, dev, head, 3, orange);
    const float left_ear[] = { x - 0.24f * s, y - 0.72f * s, x - 0.1f * s, y - 0.72f * s, x - 0.2f * s, y - 0.92f * s };
    const float right_ear[] = { x + 0.24f * s, y - 0.72f * s, x + 0.1f * s, y - 0.72f * s, x + 0.2f * s, y - 0.92f * s };
    polygon(ctx, dev, left_ear, 3, orange);
    polygon(ctx, dev, right_ear, 3, orange);
    ellipse(ctx, dev, x - 0.08f * s, y - 0.64f * s, 0.025f * s, 0.025f * s, dark);
    ellipse(ctx, dev, x + 0.08f * s, y - 0.64f * s, 0.025f * s, 0.025f * s, dark);
    ellipse(ctx, dev, x, y - 0.48f * s, 0.03f * s, 0.025f * s, dark);
    box(ctx, dev, x - 0.2f * s, y - 0.36f * s, x + 0.2f * s, y - 0.2f * s, { 0.78f, 0.1f, 0.12f }); // the book
    box(ctx, dev, x - 0.005f * s, y - 0.36f * s, x + 0.005f * s, y - 0.2f * s, { 0.95f, 0.8f, 0.3f });
}

void torii(fz_context* ctx, fz_device* dev, float x, float y, float s)
{
    const Rgb red { 0.8f, 0.16f, 0.12f };
    box(ctx, dev, x - 0.5f * s, y - s, x - 0.4f * s, y, red);
    box(ctx, dev, x + 0.4f * s, y - s, x + 0.5f * s, y, red);
    box(ctx, dev, x - 0.7f * s, y - 1.05f * s, x + 0.7f * s, y - 0.93f * s, { 0.15f, 0.1f, 0.1f });
    box(ctx, dev, x - 0.6f * s, y - 0.85f * s, x + 0.6f * s, y - 0.77f * s, red);
}

// The picture of page `seed` inside [x0, y0, x1, y1].
void scene(fz_context* ctx, fz_device* dev, fz_rect area, int seed)
{
    static const Rgb skies[] = { { 0.62f, 0.82f, 0.95f }, { 0.98f, 0.8f, 0.6f }, { 0.75f, 0.7f, 0.92f },
        { 0.55f, 0.75f, 0.9f }, { 0.2f, 0.24f, 0.45f } };
    const Rgb sky = skies[seed % 5];
    float w = area.x1 - area.x0, h = area.y1 - area.y0;
    box(ctx, dev, area.x0, area.y0, area.x1, area.y1, sky);
    bool night = seed % 5 == 4;
    ellipse(ctx, dev, area.x0 + w * (0.15f + 0.07f * static_cast<float>(seed % 9)), area.y0 + h * 0.22f, h * 0.1f,
        h * 0.1f, night ? Rgb { 0.98f, 0.96f, 0.8f } : Rgb { 1.0f, 0.85f, 0.2f });
    const float hills[] = { area.x0, area.y1 - h * 0.35f, area.x0 + w * 0.3f, area.y1 - h * 0.55f,
        area.x0 + w * 0.6f, area.y1 - h * 0.4f, area.x1, area.y1 - h * 0.6f, area.x1, area.y1, area.x0, area.y1 };
    polygon(ctx, dev, hills, 6, { 0.35f, 0.62f, 0.35f });
    box(ctx, dev, area.x0, area.y1 - h * 0.16f, area.x1, area.y1 - h * 0.09f, { 0.3f, 0.55f, 0.85f });
    torii(ctx, dev, area.x0 + w * (seed % 2 ? 0.78f : 0.22f), area.y1 - h * 0.2f, h * 0.35f);
    fox(ctx, dev, area.x0 + w * (seed % 2 ? 0.35f : 0.62f), area.y1 - h * 0.04f, h * 0.55f);
}

// Lays `html` out with fz_story inside `where` and draws it.
void text_block(fz_context* ctx, fz_device* dev, const char* html, const char* css, fz_rect where)
{
    fz_buffer* buffer = fz_new_buffer_from_copied_data(ctx, reinterpret_cast<const unsigned char*>(html), strlen(html));
    fz_story* story = nullptr;
    fz_try(ctx)
    {
        story = fz_new_story(ctx, buffer, css, 12, nullptr);
        fz_rect filled;
        fz_place_story(ctx, story, where, &filled);
        fz_draw_story(ctx, story, dev, fz_identity);
    }
    fz_always(ctx)
    {
        fz_drop_story(ctx, story);
        fz_drop_buffer(ctx, buffer);
    }
    fz_catch(ctx) fz_rethrow(ctx);
}

std::string escape(const std::string& text)
{
    std::string out;
    for (char c : text) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}

// The HTML of every page, cover first.
std::vector<std::string> page_html(const BookText& book, const PdfOptions& options)
{
    std::vector<std::string> pages;
    std::string cover = "<h1>" + escape(book.title) + "</h1>";
    for (const auto& line : book.subtitle)
        cover += "<p class='sub'>" + escape(line) + "</p>";
    pages.push_back(cover);
    size_t story_pages = book.pages.size();
    for (size_t i = 0; i < story_pages || pages.size() < static_cast<size_t>(options.min_pages); ++i) {
        std::string text = escape(book.pages[i % story_pages]);
        if (i >= story_pages)
            text += " (" + std::to_string(i + 1) + ")";
        pages.push_back("<p>" + text + "</p>");
    }
    return pages;
}

}

void draw_scene(fz_context* ctx, fz_device* dev, fz_rect area, int seed) { scene(ctx, dev, area, seed); }

render::Result<int> write_picture_pdf(const BookText& book, const std::filesystem::path& output, const PdfOptions& options)
{
    if (book.pages.empty())
        return render::fail(ErrorKind::InvalidArgument, "a picture book needs pages");
    auto pages = page_html(book, options);
    std::string css = "body { margin: 0 } h1 { font-size: 26pt; text-align: center; margin: 0 }"
                      " p { font-size: 15pt; line-height: 1.5; margin: 0 } p.sub { font-size: 11pt; text-align: center }";
    std::string path = output.string();
    fz_context* ctx = fz_new_context(nullptr, nullptr, FZ_STORE_DEFAULT);
    if (!ctx)
        return render::fail(ErrorKind::Internal, "MuPDF could not start");
    render::detail::ContextHandle owned(ctx);
    fz_document_writer* writer = nullptr;
    auto written = guarded(ctx, ErrorKind::Internal, "writing the PDF", [&] {
        writer = fz_new_document_writer(ctx, path.c_str(), "pdf", "compress");
        fz_rect media = fz_make_rect(0, 0, page_width, page_height);
        for (size_t i = 0; i < pages.size(); ++i) {
            fz_device* dev = fz_begin_page(ctx, writer, media);
            bool cover = i == 0;
            scene(ctx, dev, fz_make_rect(0, 0, page_width, cover ? page_height : page_height * 0.66f), static_cast<int>(i));
            fz_rect text_area = cover ? fz_make_rect(60, 40, page_width - 60, 160)
                                      : fz_make_rect(40, page_height * 0.66f + 16, page_width - 40, page_height - 16);
            if (cover)
                box(ctx, dev, 40, 28, page_width - 40, 150, { 1, 1, 1 });
            text_block(ctx, dev, pages[i].c_str(), css.c_str(), text_area);
            fz_end_page(ctx, writer);
        }
        fz_close_document_writer(ctx, writer);
    });
    render::detail::WriterHandle writer_handle(ctx, writer);
    if (!written)
        return tl::make_unexpected(written.error());
    CatalogEdits edits;
    edits.title = book.title;
    edits.language = options.language;
    edits.right_to_left = options.right_to_left;
    edits.labels_start_after_cover = true;
    edits.outline.push_back({ book.title, 0 });
    for (size_t i = 1; i < pages.size(); i += std::max<size_t>(1, pages.size() / 8))
        edits.outline.push_back({ (options.language == "ja" ? "ページ " : "Page ") + std::to_string(i), static_cast<int>(i) });
    TRY(edit_pdf_catalog(ctx, output, edits));
    return static_cast<int>(pages.size());
}

}
