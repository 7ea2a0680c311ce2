// Protected publications through drm packages: our segmented profile and the
// LCP basic-profile fixtures, decrypted on demand under MuPDF.

#include <zip.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "hondana/drm/lcp.h"
#include "hondana/drm/licence.h"
#include "hondana/render/document.h"
#include "hondana/samples/samples.h"
#include "render_test_support.h"

using namespace hondana;
using namespace hondana::render;

namespace {

std::shared_ptr<drm::Package> open_package(const std::filesystem::path& path)
{
    auto file = drm::FileByteSource::open(path);
    EXPECT_TRUE(file) << path;
    auto package = drm::Package::open(std::move(*file));
    EXPECT_TRUE(package) << path << ": " << (package ? "" : package.error().message);
    return package ? std::shared_ptr<drm::Package>(std::move(*package)) : nullptr;
}

std::shared_ptr<const drm::SecretBytes> lcp_key(drm::Package& package)
{
    auto licence_text = package.embedded_licence();
    EXPECT_TRUE(licence_text && *licence_text);
    auto licence = drm::parse_licence(**licence_text);
    EXPECT_TRUE(licence);
    auto key = drm::lcp_basic_content_key(*licence, "test");
    EXPECT_TRUE(key);
    return std::make_shared<const drm::SecretBytes>(std::move(*key));
}

std::filesystem::path protect(const std::string& sample, const drm::SecretBytes& key)
{
    auto input = test::sample_titles() / sample;
    auto output = test::sample_titles() / ("protected-" + sample);
    if (sample.ends_with(".pdf")) {
        auto packaged = drm::package_pdf(input, output, key.view(), { "Sample", "urn:hondana:sample:test", "en", "" });
        EXPECT_TRUE(packaged) << (packaged ? "" : packaged.error().message);
    } else {
        auto packaged = drm::package_epub(input, output, key.view());
        EXPECT_TRUE(packaged) << (packaged ? "" : packaged.error().message);
    }
    return output;
}

std::string flat_text(const Document& document)
{
    std::string text;
    for (int page = 0; page < document.page_count(); ++page)
        text += document.page_text(page).value_or("") + " ";
    for (auto& c : text) {
        if (c == '\n')
            c = ' ';
    }
    return text;
}

}

TEST(ProtectedPackage, lcp_pdf_fixture_opens_and_renders_with_its_passphrase)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/daisy.lcpdf");
    auto package = open_package(test::shared_fixtures() / "lcp/daisy.lcpdf");
    ASSERT_TRUE(package);
    auto key = lcp_key(*package);
    auto document = Document::open_package(test::test_engine(), package, key);
    ASSERT_TRUE(document) << document.error().message;
    EXPECT_EQ((*document)->format(), DocumentFormat::Pdf);
    ASSERT_GT((*document)->page_count(), 0);
    auto image = (*document)->render_page(0, 0.5f);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_GT(image->width, 10);
}

TEST(ProtectedPackage, lcp_epub_fixture_opens_and_renders_with_its_passphrase)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("lcp/epub-lcp.epub");
    auto package = open_package(test::shared_fixtures() / "lcp/epub-lcp.epub");
    ASSERT_TRUE(package);
    auto key = lcp_key(*package);
    auto document = Document::open_package(test::test_engine(), package, key);
    ASSERT_TRUE(document) << document.error().message;
    EXPECT_EQ((*document)->format(), DocumentFormat::Epub);
    ASSERT_GT((*document)->page_count(), 0);
    EXPECT_FALSE(flat_text(**document).empty());
    EXPECT_TRUE((*document)->render_page(0, 0.5f));
}

TEST(ProtectedPackage, segmented_pdf_package_reads_with_the_right_key_only)
{
    drm::SecretBytes key(drm::Bytes(32, 0x42));
    auto path = protect("kitsune-picture-book.pdf", key);
    auto package = open_package(path);
    ASSERT_TRUE(package);
    auto document = Document::open_package(test::test_engine(), package, std::make_shared<const drm::SecretBytes>(key.clone()));
    ASSERT_TRUE(document) << document.error().message;
    EXPECT_EQ((*document)->page_count(), 12);
    EXPECT_EQ((*document)->reading_progression(), ReadingProgression::RightToLeft);
    EXPECT_NE(flat_text(**document).find(samples::canary_sentence), std::string::npos);

    auto wrong = std::make_shared<const drm::SecretBytes>(drm::Bytes(32, 0x43));
    auto refused = Document::open_package(test::test_engine(), open_package(path), wrong);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::SourceFailed);
    EXPECT_NE(refused.error().message.find("drm."), std::string::npos) << refused.error().message;
}

TEST(ProtectedPackage, segmented_epub_package_opens_through_the_synthetic_zip)
{
    drm::SecretBytes key(drm::Bytes(32, 0x17));
    auto path = protect("fox-novel.epub", key);
    auto package = open_package(path);
    ASSERT_TRUE(package);
    auto document = Document::open_package(test::test_engine(), package, std::make_shared<const drm::SecretBytes>(key.clone()));
    ASSERT_TRUE(document) << document.error().message;
    EXPECT_EQ((*document)->layout_kind(), LayoutKind::Reflowable);
    EXPECT_NE(flat_text(**document).find(samples::canary_sentence), std::string::npos);
    auto outline = (*document)->outline();
    ASSERT_TRUE(outline);
    EXPECT_EQ(outline->size(), 3u);
}

namespace {

// Sets metadata.readingProgression in a PDF package's manifest.json (as a
// publisher or another provider's LCPDF would), rewriting the ZIP with libzip.
void declare_progression(const std::filesystem::path& package, const std::string& progression)
{
    auto file = drm::FileByteSource::open(package);
    ASSERT_TRUE(file);
    auto opened = drm::Package::open(std::move(*file));
    ASSERT_TRUE(opened);
    auto raw = (*opened)->open_raw("manifest.json");
    ASSERT_TRUE(raw);
    auto bytes = drm::read_all(**raw, 1 << 20);
    ASSERT_TRUE(bytes);
    auto manifest = nlohmann::json::parse(bytes->begin(), bytes->end());
    manifest["metadata"]["readingProgression"] = progression;
    static std::string text;
    text = manifest.dump();
    int error = 0;
    zip_t* zip = zip_open(package.c_str(), 0, &error);
    ASSERT_NE(zip, nullptr);
    zip_source_t* source = zip_source_buffer(zip, text.data(), text.size(), 0);
    ASSERT_GE(zip_file_add(zip, "manifest.json", source, ZIP_FL_OVERWRITE), 0);
    ASSERT_EQ(zip_close(zip), 0);
}

}

TEST(ProtectedPackage, a_pdf_package_that_declares_right_to_left_reads_right_to_left)
{
    drm::SecretBytes key(drm::Bytes(32, 0x29));
    auto shared_key = std::make_shared<const drm::SecretBytes>(key.clone());
    auto path = protect("fox-in-kyoto.pdf", key);
    auto plain = Document::open_package(test::test_engine(), open_package(path), shared_key);
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ((*plain)->reading_progression(), ReadingProgression::LeftToRight);
    declare_progression(path, "rtl");
    auto declared = Document::open_package(test::test_engine(), open_package(path), shared_key);
    ASSERT_TRUE(declared) << declared.error().message;
    EXPECT_EQ((*declared)->reading_progression(), ReadingProgression::RightToLeft);
    declare_progression(path, "auto");
    EXPECT_EQ(Document::open_package(test::test_engine(), open_package(path), shared_key).value()->reading_progression(),
        ReadingProgression::LeftToRight);
}

TEST(ProtectedPackage, a_declared_left_to_right_wins_over_the_pdfs_own_direction)
{
    drm::SecretBytes key(drm::Bytes(32, 0x31));
    auto shared_key = std::make_shared<const drm::SecretBytes>(key.clone());
    auto path = protect("kitsune-picture-book.pdf", key);
    auto own = Document::open_package(test::test_engine(), open_package(path), shared_key);
    ASSERT_TRUE(own) << own.error().message;
    EXPECT_EQ((*own)->reading_progression(), ReadingProgression::RightToLeft) << "the picture book says R2L itself";
    declare_progression(path, "ltr");
    EXPECT_EQ(Document::open_package(test::test_engine(), open_package(path), shared_key).value()->reading_progression(),
        ReadingProgression::LeftToRight);
}
