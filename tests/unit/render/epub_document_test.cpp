#include <map>
#include <mutex>

#include <gtest/gtest.h>

#include "fixtures.h"
#include "hondana/render/document.h"
#include "hondana/samples/samples.h"
#include "render_test_support.h"

using namespace hondana;
using namespace hondana::render;

namespace {

std::unique_ptr<Document> open_epub_file(const std::filesystem::path& path, const OpenOptions& options = {})
{
    auto document = Document::open_epub(test::test_engine(), test::unzip_resources(path), options);
    EXPECT_TRUE(document) << path << ": " << (document ? "" : document.error().message);
    return document ? std::move(*document) : nullptr;
}

bool has_ink(const PageImage& image)
{
    size_t dark = 0;
    for (size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
        if (image.rgb[i] < 128 && image.rgb[i + 1] < 128 && image.rgb[i + 2] < 128)
            ++dark;
    }
    return dark > 20;
}

// Text with line breaks turned into spaces (extraction breaks lines as laid out).
std::string one_line(std::string text)
{
    for (auto& c : text) {
        if (c == '\n')
            c = ' ';
    }
    return text;
}

std::string all_text(const Document& document)
{
    std::string text;
    for (int page = 0; page < document.page_count(); ++page)
        text += document.page_text(page).value_or("");
    return one_line(text);
}

}

TEST(EpubDocument, english_sample_is_reflowable_with_a_table_of_contents_and_the_canary)
{
    auto document = open_epub_file(test::sample_titles() / "fox-novel.epub");
    ASSERT_TRUE(document);
    EXPECT_EQ(document->format(), DocumentFormat::Epub);
    EXPECT_EQ(document->layout_kind(), LayoutKind::Reflowable);
    EXPECT_EQ(document->reading_progression(), ReadingProgression::LeftToRight);
    EXPECT_EQ(document->title(), "The Library Fox");
    auto outline = document->outline();
    ASSERT_TRUE(outline);
    ASSERT_EQ(outline->size(), 3u);
    EXPECT_EQ((*outline)[1].title, "Chapter Two: The Red Book");
    ASSERT_TRUE((*outline)[2].page);
    EXPECT_GT(*(*outline)[2].page, 0);
    EXPECT_NE(all_text(*document).find(samples::canary_sentence), std::string::npos);
}

TEST(EpubDocument, japanese_sample_declares_right_to_left_progression)
{
    auto document = open_epub_file(test::sample_titles() / "kitsune-novel.epub");
    ASSERT_TRUE(document);
    EXPECT_EQ(document->reading_progression(), ReadingProgression::RightToLeft);
    EXPECT_NE(all_text(*document).find("小春"), std::string::npos);
    auto image = document->render_page(0, 1);
    ASSERT_TRUE(image);
    EXPECT_TRUE(has_ink(*image));
}

TEST(EpubDocument, internal_links_navigate_and_external_links_are_blocked)
{
    auto document = open_epub_file(test::sample_titles() / "fox-novel.epub");
    ASSERT_TRUE(document);
    bool found_internal = false, found_blocked = false;
    for (int page = 0; page < document->page_count(); ++page) {
        auto links = document->links(page);
        ASSERT_TRUE(links);
        for (const auto& link : *links) {
            if (link.kind == LinkKind::Internal && link.uri.find("chapter-3") != std::string::npos) {
                found_internal = true;
                ASSERT_TRUE(link.target_page);
                EXPECT_GT(*link.target_page, page);
            }
            if (link.kind == LinkKind::Blocked) {
                found_blocked = true;
                EXPECT_EQ(link.uri, "https://library.example.org/travellers");
                EXPECT_FALSE(link.target_page);
            }
        }
    }
    EXPECT_TRUE(found_internal);
    EXPECT_TRUE(found_blocked);
}

TEST(EpubDocument, larger_text_means_more_pages_and_the_position_is_kept)
{
    OpenOptions options;
    options.reflow = { 300, 400, 10, 1.2f };
    auto document = open_epub_file(test::sample_titles() / "fox-novel.epub", options);
    ASSERT_TRUE(document);
    int small_pages = document->page_count();
    int chapter_three = *document->outline().value()[2].page;
    auto position = document->position_of(chapter_three);
    ASSERT_TRUE(position);

    ASSERT_TRUE(document->relayout({ 300, 400, 22, 1.8f }));
    EXPECT_GT(document->page_count(), small_pages);
    auto page = document->page_of(*position);
    ASSERT_TRUE(page);
    EXPECT_EQ(*page, *document->outline().value()[2].page);
    auto text = document->page_text(*page);
    ASSERT_TRUE(text);
    EXPECT_NE(one_line(*text).find("Chapter Three"), std::string::npos) << *text;
}

TEST(EpubDocument, fixed_layout_books_refuse_text_size_changes)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("epub/page-blanche.epub");
    auto document = open_epub_file(test::shared_fixtures() / "epub/page-blanche.epub");
    ASSERT_TRUE(document);
    EXPECT_EQ(document->layout_kind(), LayoutKind::Fixed);
    auto changed = document->relayout({ 400, 600, 20, 1.5f });
    ASSERT_FALSE(changed);
    EXPECT_EQ(changed.error().kind, ErrorKind::InvalidArgument);
}

TEST(EpubDocument, every_shared_epub_fixture_opens_and_renders)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("epub");
    int opened = 0;
    for (const auto& entry : std::filesystem::directory_iterator(test::shared_fixtures() / "epub")) {
        if (entry.path().extension() != ".epub")
            continue;
        auto document = open_epub_file(entry.path());
        ASSERT_TRUE(document) << entry.path();
        ASSERT_GT(document->page_count(), 0) << entry.path();
        for (int page : { 0, document->page_count() / 2, document->page_count() - 1 }) {
            auto image = document->render_page(page, 0.5f);
            ASSERT_TRUE(image) << entry.path() << " page " << page << ": " << image.error().message;
            EXPECT_GT(image->width, 10);
        }
        ++opened;
    }
    EXPECT_GE(opened, 4); // the four of ../shared/fixtures/README.md
}

TEST(EpubDocument, manga_fixture_is_fixed_layout_right_to_left)
{
    HONDANA_REQUIRE_SHARED_FIXTURE("epub/haruko-html-jpeg.epub");
    auto document = open_epub_file(test::shared_fixtures() / "epub/haruko-html-jpeg.epub");
    ASSERT_TRUE(document);
    EXPECT_EQ(document->layout_kind(), LayoutKind::Fixed);
    EXPECT_EQ(document->reading_progression(), ReadingProgression::RightToLeft);
}

namespace {

// Counts how often each resource is opened (each open of a protected one decrypts it again).
class CountingResources final : public ResourceProvider {
public:
    explicit CountingResources(std::shared_ptr<ResourceProvider> resources)
        : m_resources(std::move(resources))
    {
    }
    [[nodiscard]] const std::vector<ResourceEntry>& entries() const override { return m_resources->entries(); }
    [[nodiscard]] Result<std::shared_ptr<drm::ByteSource>> open(std::string_view path) override
    {
        std::lock_guard lock(m_mutex);
        ++m_opened[std::string(path)];
        return m_resources->open(path);
    }
    int opened(const std::string& path)
    {
        std::lock_guard lock(m_mutex);
        return m_opened[path];
    }

private:
    std::shared_ptr<ResourceProvider> m_resources;
    std::mutex m_mutex;
    std::map<std::string, int> m_opened;
};

}

TEST(EpubDocument, opening_reads_the_container_and_package_document_once_and_no_later_chapter_or_nav)
{
    auto counting = std::make_shared<CountingResources>(test::unzip_resources(test::sample_titles() / "fox-novel.epub"));
    auto document = Document::open_epub(test::test_engine(), counting);
    ASSERT_TRUE(document) << document.error().message;
    ASSERT_TRUE((*document)->render_page(0, 0.5f));
    EXPECT_EQ(counting->opened("META-INF/container.xml"), 1);
    int opf_opens = 0, chapter_opens = 0;
    for (const auto& entry : counting->entries()) {
        if (entry.path.ends_with(".opf"))
            opf_opens += counting->opened(entry.path);
        if (entry.path.find("chapter-3") != std::string::npos)
            chapter_opens += counting->opened(entry.path);
    }
    EXPECT_EQ(opf_opens, 1);
    EXPECT_EQ(chapter_opens, 0) << "the first page needs only the first chapter";
    EXPECT_EQ(counting->opened("OEBPS/nav.xhtml"), 0) << "the contents are read when asked for";
    ASSERT_TRUE((*document)->outline());
    EXPECT_EQ(counting->opened("OEBPS/nav.xhtml"), 1);
}
