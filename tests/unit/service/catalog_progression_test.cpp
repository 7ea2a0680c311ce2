// hondana-admin title add --progression: the page order a PDF title declares
// in its package manifest (right-to-left spreads for picture books and manga).

#include <nlohmann/json.hpp>

#include "hondana/drm/byte_source.h"
#include "hondana/drm/package.h"
#include "lending/sample_titles.h"
#include "lending_fixture.h"

using namespace hondana;
using namespace hondana::lending;
using hondana::test::LendingFixture;

namespace {

class CatalogProgression : public LendingFixture {
protected:
    NewTitle spec_for(const std::filesystem::path& source, const std::string& progression)
    {
        NewTitle spec;
        spec.source = source;
        spec.title = "えほん";
        spec.reading_progression = progression;
        return spec;
    }

    std::string declared_progression(const TitleRecord& title)
    {
        auto file = drm::FileByteSource::open(m_temp.path() / "data" / "content" / title.content_file);
        EXPECT_TRUE(file) << file.error().message;
        auto package = drm::Package::open(std::move(*file));
        EXPECT_TRUE(package) << package.error().message;
        auto manifest = (*package)->open_resource("manifest.json", nullptr);
        EXPECT_TRUE(manifest) << manifest.error().message;
        drm::Bytes text((*manifest)->size());
        EXPECT_TRUE((*manifest)->read_at(0, text));
        return nlohmann::json::parse(text.begin(), text.end())["metadata"].value("readingProgression", "");
    }
};

}

TEST_F(CatalogProgression, a_pdf_title_declares_the_progression_it_was_added_with)
{
    auto source = m_temp.path() / "picture-book.pdf";
    ASSERT_TRUE(write_sample_pdf(source, "picture book", { { "1", { "page" } } }));
    auto rtl = m_service->catalog().add_title(admin, "city", spec_for(source, "rtl"));
    ASSERT_TRUE(rtl) << rtl.error().message;
    EXPECT_EQ(declared_progression(*rtl), "rtl");
    auto plain = m_service->catalog().add_title(admin, "city", spec_for(source, ""));
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(declared_progression(*plain), "") << "not declared unless asked: the PDF's own /Direction applies";
}

TEST_F(CatalogProgression, an_epub_or_an_unknown_value_is_refused_and_adds_nothing)
{
    auto epub = m_temp.path() / "story.epub";
    ASSERT_TRUE(write_sample_epub(epub, "story", "urn:uuid:1", "ja", { { "1", { "text" } } }));
    auto refused = m_service->catalog().add_title(admin, "city", spec_for(epub, "rtl"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::InvalidArgument);
    EXPECT_NE(refused.error().message.find("OPF"), std::string::npos) << refused.error().message;
    auto pdf = m_temp.path() / "book.pdf";
    ASSERT_TRUE(write_sample_pdf(pdf, "book", { { "1", { "page" } } }));
    auto bad = m_service->catalog().add_title(admin, "city", spec_for(pdf, "upward"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, ErrorKind::InvalidArgument);
    EXPECT_TRUE(std::filesystem::is_empty(m_temp.path() / "data" / "content"));
}
