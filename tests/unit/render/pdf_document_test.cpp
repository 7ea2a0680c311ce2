#include <gtest/gtest.h>

#include "hondana/drm/segmented.h"
#include "hondana/render/document.h"
#include "hondana/render/theme.h"
#include "hondana/samples/samples.h"
#include "render_test_support.h"

using namespace hondana;
using namespace hondana::render;

namespace {

std::unique_ptr<Document> open_sample_pdf(const std::string& name)
{
    auto source = drm::FileByteSource::open(test::sample_titles() / name);
    EXPECT_TRUE(source) << name;
    auto document = Document::open_pdf(test::test_engine(), std::move(*source));
    EXPECT_TRUE(document) << (document ? "" : document.error().message);
    return document ? std::move(*document) : nullptr;
}

// Fraction of pixels within `tolerance` of `rgb`.
double share_of_colour(const PageImage& image, std::array<uint8_t, 3> rgb, int tolerance = 8)
{
    size_t matching = 0, total = image.rgb.size() / 3;
    for (size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
        if (std::abs(image.rgb[i] - rgb[0]) <= tolerance && std::abs(image.rgb[i + 1] - rgb[1]) <= tolerance
            && std::abs(image.rgb[i + 2] - rgb[2]) <= tolerance)
            ++matching;
    }
    return total ? static_cast<double>(matching) / static_cast<double>(total) : 0;
}

}

TEST(PdfDocument, opens_the_japanese_picture_book_with_rtl_labels_and_outline)
{
    auto document = open_sample_pdf("kitsune-picture-book.pdf");
    ASSERT_TRUE(document);
    EXPECT_EQ(document->format(), DocumentFormat::Pdf);
    EXPECT_EQ(document->layout_kind(), LayoutKind::Fixed);
    EXPECT_EQ(document->reading_progression(), ReadingProgression::RightToLeft);
    EXPECT_EQ(document->page_count(), 12);
    EXPECT_EQ(document->title(), "きつねの ほんだな");
    EXPECT_EQ(document->page_label(0), "表紙");
    EXPECT_EQ(document->page_label(1), "1");
    EXPECT_EQ(document->page_label(11), "11");
    auto outline = document->outline();
    ASSERT_TRUE(outline);
    ASSERT_GE(outline->size(), 2u);
    EXPECT_EQ((*outline)[0].page, 0);
    EXPECT_TRUE((*outline)[1].page.has_value());
}

TEST(PdfDocument, english_pdf_reads_left_to_right_and_contains_the_canary)
{
    auto document = open_sample_pdf("fox-in-kyoto.pdf");
    ASSERT_TRUE(document);
    EXPECT_EQ(document->reading_progression(), ReadingProgression::LeftToRight);
    auto text = document->page_text(0);
    ASSERT_TRUE(text);
    EXPECT_NE(text->find(samples::canary_sentence), std::string::npos) << *text;
}

TEST(PdfDocument, search_finds_hits_with_rectangles_inside_the_page)
{
    auto document = open_sample_pdf("fox-in-kyoto.pdf");
    ASSERT_TRUE(document);
    auto hits = document->search_page(4, "library");
    ASSERT_TRUE(hits);
    ASSERT_FALSE(hits->quads.empty());
    auto size = document->page_size(4).value();
    for (const auto& quad : hits->quads) {
        EXPECT_GT(quad.width(), 0);
        EXPECT_GE(quad.x0, 0);
        EXPECT_LE(quad.x1, size.width);
        EXPECT_GT(quad.y0, size.height * 0.6f); // the text sits under the picture
    }
    EXPECT_TRUE(document->search_page(4, "zebra")->quads.empty());
}

TEST(PdfDocument, renders_the_picture_at_scale_and_applies_themes)
{
    auto document = open_sample_pdf("fox-in-kyoto.pdf");
    ASSERT_TRUE(document);
    auto image = document->render_page(1, 0.5f);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_EQ(image->width, 298); // 595 pt at half scale, rounded out
    EXPECT_EQ(image->height, 210);
    EXPECT_GT(share_of_colour(*image, { 89, 158, 89 }, 12), 0.05); // the green hills
    EXPECT_GT(share_of_colour(*image, { 255, 255, 255 }, 2), 0.2);  // the paper under the text

    auto night = document->render_page(1, 0.5f, Theme::Night);
    ASSERT_TRUE(night);
    auto paper = theme_colors(Theme::Night).paper;
    EXPECT_GT(share_of_colour(*night, paper, 2), 0.2);
    EXPECT_EQ(share_of_colour(*night, { 255, 255, 255 }, 2), 0.0);
}

TEST(PdfDocument, rejects_pages_outside_the_book)
{
    auto document = open_sample_pdf("fox-in-kyoto.pdf");
    ASSERT_TRUE(document);
    auto image = document->render_page(99, 1);
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().kind, ErrorKind::InvalidArgument);
    EXPECT_FALSE(document->page_text(-1));
}

TEST(PdfDocument, opens_through_the_segmented_decryptor_and_renders)
{
    auto plaintext = test::read_file(test::sample_titles() / "fox-in-kyoto.pdf");
    drm::Bytes key(32, 7);
    auto ciphertext = drm::encrypt_segmented(plaintext, key, drm::min_segment_size);
    ASSERT_TRUE(ciphertext);
    auto reader = drm::SegmentedReader::open(std::make_shared<drm::MemoryByteSource>(std::move(*ciphertext)), key);
    ASSERT_TRUE(reader);
    auto document = Document::open_pdf(test::test_engine(), std::move(*reader));
    ASSERT_TRUE(document) << document.error().message;
    EXPECT_EQ((*document)->page_count(), 10);
    EXPECT_TRUE((*document)->render_page(4, 0.25f));
}

TEST(PdfDocument, tampered_content_is_reported_as_the_decryptors_error)
{
    auto plaintext = test::read_file(test::sample_titles() / "fox-in-kyoto.pdf");
    size_t size = plaintext.size();
    auto source = std::make_shared<test::FailingSource>(std::move(plaintext), size / 2, drm::ErrorKind::ContentTampered);
    auto document = Document::open_pdf(test::test_engine(), source);
    bool failed_somewhere = !document;
    if (document) {
        for (int page = 0; page < (*document)->page_count() && !failed_somewhere; ++page) {
            auto image = (*document)->render_page(page, 0.2f);
            if (!image) {
                failed_somewhere = true;
                EXPECT_EQ(image.error().kind, ErrorKind::SourceFailed);
                EXPECT_NE(image.error().message.find("drm.content_tampered"), std::string::npos) << image.error().message;
            }
        }
    } else {
        EXPECT_EQ(document.error().kind, ErrorKind::SourceFailed);
        EXPECT_NE(document.error().message.find("drm.content_tampered"), std::string::npos) << document.error().message;
    }
    EXPECT_TRUE(failed_somewhere);
}

TEST(PdfDocument, encodes_a_rendered_page_as_png)
{
    auto document = open_sample_pdf("kitsune-picture-book.pdf");
    ASSERT_TRUE(document);
    auto image = document->render_page(0, 0.3f);
    ASSERT_TRUE(image);
    auto png = encode_png(test::test_engine(), *image);
    ASSERT_TRUE(png);
    ASSERT_GT(png->size(), 8u);
    EXPECT_EQ((*png)[1], 'P');
    EXPECT_EQ((*png)[2], 'N');
    EXPECT_EQ((*png)[3], 'G');
}

TEST(PdfDocument, renders_a_tile_matching_the_same_pixels_of_the_whole_page)
{
    auto document = open_sample_pdf("fox-in-kyoto.pdf");
    ASSERT_TRUE(document);
    auto whole = document->render_page(2, 2.0f).value();
    auto tile = document->render_tile(2, 2.0f, { 400, 100, 656, 356 });
    ASSERT_TRUE(tile) << tile.error().message;
    EXPECT_EQ(tile->width, 256);
    EXPECT_EQ(tile->x, 400);
    size_t same = 0;
    for (int y = 0; y < 256; ++y) {
        for (int x = 0; x < 256; ++x) {
            size_t t = (static_cast<size_t>(y) * 256 + static_cast<size_t>(x)) * 3;
            size_t w = (static_cast<size_t>(y + 100) * static_cast<size_t>(whole.width) + static_cast<size_t>(x + 400)) * 3;
            same += std::abs(tile->rgb[t] - whole.rgb[w]) <= 2 ? 1 : 0;
        }
    }
    EXPECT_GT(same, 256u * 256u * 99 / 100);
    auto outside = document->render_tile(2, 1.0f, { 5000, 5000, 5100, 5100 });
    ASSERT_FALSE(outside);
    EXPECT_EQ(outside.error().kind, ErrorKind::InvalidArgument);
}
