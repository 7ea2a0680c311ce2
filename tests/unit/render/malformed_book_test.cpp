// Hostile and broken books: every one gives a clear error (or opens and
// renders what is there); none crashes the reader.

#include <zlib.h>

#include <gtest/gtest.h>

#include "hondana/render/document.h"
#include "render_test_support.h"

using namespace hondana;
using namespace hondana::render;

namespace {

drm::Bytes bytes_of(std::string_view text) { return drm::Bytes(text.begin(), text.end()); }

// A one-page PDF whose page draws `content` (a content stream) with optional extra objects.
std::string pdf_with(const std::string& content_dict, const std::string& content, const std::string& resources = "<<>>",
    const std::string& extra_objects = "")
{
    std::string pdf = "%PDF-1.7\n";
    pdf += "1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n";
    pdf += "2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n";
    pdf += "3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R/Resources " + resources + ">> endobj\n";
    pdf += "4 0 obj <<" + content_dict + "/Length " + std::to_string(content.size()) + ">> stream\n" + content + "\nendstream endobj\n";
    pdf += extra_objects;
    pdf += "trailer <</Root 1 0 R>>\n%%EOF\n";
    return pdf;
}

std::string deflate(const std::string& input)
{
    uLongf size = compressBound(static_cast<uLong>(input.size()));
    std::string out(size, '\0');
    compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(input.data()),
        static_cast<uLong>(input.size()), 9);
    out.resize(size);
    return out;
}

std::shared_ptr<Engine> small_engine()
{
    EngineOptions options;
    options.memory_limit_bytes = 96u * 1024 * 1024;
    return Engine::create(options).value();
}

std::shared_ptr<ResourceProvider> epub_with_chapter(const std::string& chapter)
{
    std::vector<std::pair<std::string, drm::Bytes>> files;
    files.emplace_back("mimetype", bytes_of("application/epub+zip"));
    files.emplace_back("META-INF/container.xml",
        bytes_of("<container><rootfiles><rootfile full-path=\"book.opf\"/></rootfiles></container>"));
    files.emplace_back("book.opf",
        bytes_of("<package version=\"3.0\"><metadata><dc:title>t</dc:title></metadata><manifest>"
                 "<item id=\"c\" href=\"c.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>"
                 "<spine><itemref idref=\"c\"/></spine></package>"));
    files.emplace_back("c.xhtml", bytes_of(chapter));
    return memory_resources(std::move(files));
}

}

TEST(MalformedBook, garbage_is_not_a_pdf)
{
    auto document = Document::open_pdf(test::test_engine(), memory_source(bytes_of("this is not a book at all")));
    ASSERT_FALSE(document);
    EXPECT_EQ(document.error().kind, ErrorKind::UnsupportedFormat);
}

TEST(MalformedBook, pdf_header_followed_by_garbage_is_malformed)
{
    auto document = Document::open_pdf(test::test_engine(), memory_source(bytes_of("%PDF-1.7\n\x01\x02 garbage garbage")));
    ASSERT_FALSE(document);
    EXPECT_EQ(document.error().kind, ErrorKind::MalformedDocument);
    EXPECT_FALSE(document.error().message.empty());
}

TEST(MalformedBook, truncated_pdf_opens_by_repair_or_fails_clearly)
{
    auto full = test::read_file(test::sample_titles() / "fox-in-kyoto.pdf");
    for (size_t keep : { full.size() / 10, full.size() / 2, full.size() - 100 }) {
        drm::Bytes part(full.begin(), full.begin() + static_cast<long>(keep));
        auto document = Document::open_pdf(test::test_engine(), memory_source(std::move(part)));
        if (!document) {
            EXPECT_EQ(document.error().kind, ErrorKind::MalformedDocument) << document.error().message;
            continue;
        }
        for (int page = 0; page < (*document)->page_count(); ++page) {
            auto image = (*document)->render_page(page, 0.2f);
            if (!image) {
                EXPECT_FALSE(image.error().message.empty());
            }
        }
    }
}

TEST(MalformedBook, flate_bomb_in_an_image_is_stopped_by_the_memory_limit)
{
    // A 6000 x 6000 RGB image (108 MB decoded) that deflates to well under a megabyte.
    std::string pixels = deflate(std::string(6000u * 6000u * 3u, '\0'));
    std::string image = "5 0 obj <</Type/XObject/Subtype/Image/Width 6000/Height 6000/ColorSpace/DeviceRGB"
                        "/BitsPerComponent 8/Filter/FlateDecode/Length " + std::to_string(pixels.size()) + ">> stream\n"
        + pixels + "\nendstream endobj\n";
    auto engine = small_engine();
    auto pdf = pdf_with("", "q 200 0 0 200 0 0 cm /Im1 Do Q", "<</XObject<</Im1 5 0 R>>>>", image);
    auto document = Document::open_pdf(engine, memory_source(bytes_of(pdf)));
    ASSERT_TRUE(document) << document.error().message;
    auto rendered = (*document)->render_page(0, 4);
    // MuPDF may skip the image it cannot decode (and draw the rest) or fail the page; either way
    // the engine never holds more than its limit.
    if (!rendered) {
        EXPECT_EQ(rendered.error().kind, ErrorKind::LimitExceeded) << rendered.error().message;
    }
    EXPECT_LE(engine->allocated_bytes(), engine->options().memory_limit_bytes);
}

TEST(MalformedBook, deeply_nested_pdf_arrays_fail_without_crashing)
{
    std::string nested(200000, '[');
    auto pdf = pdf_with("", "0 0 m 10 10 l S", "<</Deep " + nested + ">>");
    auto document = Document::open_pdf(test::test_engine(), memory_source(bytes_of(pdf)));
    if (document) {
        auto rendered = (*document)->render_page(0, 1);
        (void)rendered;
    } else {
        EXPECT_FALSE(document.error().message.empty());
    }
}

TEST(MalformedBook, deeply_nested_xhtml_is_refused)
{
    std::string chapter = "<html><body>";
    for (int i = 0; i < 100000; ++i)
        chapter += "<div>";
    chapter += "deep</body></html>";
    auto document = Document::open_epub(test::test_engine(), epub_with_chapter(chapter));
    if (document) {
        auto image = (*document)->render_page(0, 1);
        ASSERT_FALSE(image);
        EXPECT_EQ(image.error().kind, ErrorKind::LimitExceeded) << image.error().message;
    } else {
        EXPECT_EQ(document.error().kind, ErrorKind::LimitExceeded) << document.error().message;
    }
}

TEST(MalformedBook, epub_without_container_is_malformed)
{
    auto resources = memory_resources({ { "mimetype", bytes_of("application/epub+zip") } });
    auto document = Document::open_epub(test::test_engine(), resources);
    ASSERT_FALSE(document);
    EXPECT_EQ(document.error().kind, ErrorKind::MalformedDocument);
}

TEST(MalformedBook, epub_with_broken_markup_still_opens)
{
    auto document = Document::open_epub(test::test_engine(), epub_with_chapter("<html><body><p>unclosed <b>tags & stuff"));
    ASSERT_TRUE(document) << document.error().message;
    EXPECT_TRUE((*document)->render_page(0, 0.5f));
}
