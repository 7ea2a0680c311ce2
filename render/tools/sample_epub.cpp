// Reflowable EPUB 3 samples: XHTML chapters, a navigation document and an OPF
// written here, zipped with libzip (mimetype first and stored).

#include <zip.h>

#include "hondana/samples/samples.h"
#include "mupdf_guard.h"
#include "sample_pdf_catalog.h"

namespace hondana::samples {

using render::ErrorKind;
using render::detail::guarded;

namespace {

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
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

std::string xhtml(const std::string& language, const std::string& title, const std::string& body)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
           "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\""
        + language + "\" xml:lang=\"" + language + "\">\n<head><meta charset=\"UTF-8\"/><title>" + escape(title)
        + "</title><link rel=\"stylesheet\" href=\"style.css\" type=\"text/css\"/></head>\n<body>\n" + body
        + "</body>\n</html>\n";
}

std::string chapter_body(const BookText& book, size_t index, bool english)
{
    const auto& [title, paragraphs] = book.chapters[index];
    std::string body = "<section epub:type=\"chapter\" id=\"c" + std::to_string(index + 1) + "\">\n<h1>" + escape(title) + "</h1>\n";
    if (index == 0)
        body += "<p class=\"picture\"><img src=\"images/cover.png\" alt=\"fox\"/></p>\n";
    for (const auto& paragraph : paragraphs)
        body += "<p>" + escape(paragraph) + "</p>\n";
    if (index == 1 && book.chapters.size() > 2) {
        body += english ? "<p>Read on in <a href=\"chapter-3.xhtml\">the next chapter</a>, or visit "
                          "<a href=\"https://library.example.org/travellers\">the library's website</a>.</p>\n"
                        : "<p><a href=\"chapter-3.xhtml\">つぎの章へ</a>。図書館の"
                          "<a href=\"https://library.example.org/travellers\">ウェブサイト</a>もあります。</p>\n";
    }
    return body + "</section>\n";
}

std::string package_document(const BookText& book, const EpubOptions& options)
{
    std::string manifest = "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n"
                           "<item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>\n"
                           "<item id=\"cover\" href=\"images/cover.png\" media-type=\"image/png\" properties=\"cover-image\"/>\n";
    std::string spine;
    for (size_t i = 1; i <= book.chapters.size(); ++i) {
        auto n = std::to_string(i);
        manifest += "<item id=\"chapter-" + n + "\" href=\"chapter-" + n + ".xhtml\" media-type=\"application/xhtml+xml\"/>\n";
        spine += "<itemref idref=\"chapter-" + n + "\"/>\n";
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\" xml:lang=\""
        + options.language + "\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<dc:identifier id=\"uid\">"
        + escape(options.identifier) + "</dc:identifier>\n<dc:title>" + escape(book.title) + "</dc:title>\n<dc:language>"
        + options.language + "</dc:language>\n<meta property=\"dcterms:modified\">2026-01-01T00:00:00Z</meta>\n"
        + "<meta name=\"cover\" content=\"cover\"/>\n</metadata>\n<manifest>\n" + manifest + "</manifest>\n<spine"
        + (options.right_to_left ? " page-progression-direction=\"rtl\"" : "") + ">\n" + spine + "</spine>\n</package>\n";
}

std::string navigation(const BookText& book, const EpubOptions& options)
{
    std::string items;
    for (size_t i = 0; i < book.chapters.size(); ++i)
        items += "<li><a href=\"chapter-" + std::to_string(i + 1) + ".xhtml\">" + escape(book.chapters[i].first) + "</a></li>\n";
    return xhtml(options.language, book.title,
        "<nav epub:type=\"toc\" id=\"toc\"><h1>" + escape(book.title) + "</h1>\n<ol>\n" + items + "</ol></nav>\n");
}

render::Result<std::vector<uint8_t>> cover_png()
{
    fz_context* ctx = fz_new_context(nullptr, nullptr, FZ_STORE_DEFAULT);
    if (!ctx)
        return render::fail(ErrorKind::Internal, "MuPDF could not start");
    render::detail::ContextHandle owned(ctx);
    fz_pixmap* pixmap = nullptr;
    fz_device* device = nullptr;
    fz_buffer* buffer = nullptr;
    auto drawn = guarded(ctx, ErrorKind::Internal, "drawing the cover", [&] {
        pixmap = fz_new_pixmap(ctx, fz_device_rgb(ctx), 600, 420, nullptr, 0);
        fz_clear_pixmap_with_value(ctx, pixmap, 0xFF);
        device = fz_new_draw_device(ctx, fz_identity, pixmap);
        draw_scene(ctx, device, fz_make_rect(0, 0, 600, 420), 1);
        fz_close_device(ctx, device);
        buffer = fz_new_buffer_from_pixmap_as_png(ctx, pixmap, fz_default_color_params);
    });
    render::detail::DeviceHandle device_handle(ctx, device);
    render::detail::PixmapHandle pixmap_handle(ctx, pixmap);
    render::detail::BufferHandle buffer_handle(ctx, buffer);
    if (!drawn)
        return tl::make_unexpected(drawn.error());
    unsigned char* data = nullptr;
    size_t length = fz_buffer_storage(ctx, buffer, &data);
    return std::vector<uint8_t>(data, data + length);
}

struct ZipDiscard {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};

render::Result<void> add_file(zip_t* archive, const std::string& name, const std::string& bytes, bool stored)
{
    zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    if (!source)
        return render::fail(ErrorKind::Internal, std::string("libzip: ") + zip_strerror(archive));
    zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
        zip_source_free(source);
        return render::fail(ErrorKind::Internal, std::string("libzip: ") + zip_strerror(archive));
    }
    if (stored)
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    return {};
}

}

render::Result<void> write_epub(const BookText& book, const std::filesystem::path& output, const EpubOptions& options)
{
    if (book.chapters.empty())
        return render::fail(ErrorKind::InvalidArgument, "an EPUB sample needs chapters");
    bool english = options.language.rfind("en", 0) == 0;
    auto png = TRY(cover_png());
    // libzip reads the buffers at close, so every file's bytes live until then.
    std::vector<std::pair<std::string, std::string>> files;
    files.emplace_back("mimetype", "application/epub+zip");
    files.emplace_back("META-INF/container.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" "
        "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles><rootfile full-path=\"OEBPS/package.opf\" "
        "media-type=\"application/oebps-package+xml\"/></rootfiles>\n</container>\n");
    files.emplace_back("OEBPS/package.opf", package_document(book, options));
    files.emplace_back("OEBPS/nav.xhtml", navigation(book, options));
    files.emplace_back("OEBPS/style.css",
        "body { font-family: serif } h1 { font-size: 1.6em; margin: 1em 0 } p { text-indent: 1em; margin: 0.3em 0 }"
        " p.picture { text-indent: 0; text-align: center } img { max-width: 100% }\n");
    files.emplace_back("OEBPS/images/cover.png", std::string(png.begin(), png.end()));
    for (size_t i = 0; i < book.chapters.size(); ++i)
        files.emplace_back("OEBPS/chapter-" + std::to_string(i + 1) + ".xhtml",
            xhtml(options.language, book.chapters[i].first, chapter_body(book, i, english)));

    int error = 0;
    std::string temporary = output.string() + ".tmp";
    std::unique_ptr<zip_t, ZipDiscard> archive(zip_open(temporary.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error));
    if (!archive)
        return render::fail(ErrorKind::Internal, "cannot create " + temporary);
    for (const auto& [name, bytes] : files)
        TRY(add_file(archive.get(), name, bytes, name == "mimetype" || name.ends_with(".png")));
    if (zip_close(archive.get()) != 0)
        return render::fail(ErrorKind::Internal, std::string("libzip: ") + zip_strerror(archive.get()));
    (void)archive.release(); // zip_close freed it
    std::error_code rename_error;
    std::filesystem::rename(temporary, output, rename_error);
    if (rename_error)
        return render::fail(ErrorKind::Internal, "cannot write " + output.string() + ": " + rename_error.message());
    return {};
}

}
