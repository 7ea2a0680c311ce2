// An EPUB's page count is not known at open (counting lays out every
// chapter; the first page needs only the first): what every page method does
// before the count, and that the count, once made, is the book's.

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "hondana/render/document.h"
#include "hondana/render/renderer.h"
#include "render_test_support.h"

using namespace hondana;
using namespace hondana::render;

namespace {

// A small page and large type, so the short sample novel runs to many pages in several chapters.
OpenOptions small_pages()
{
    OpenOptions options;
    options.reflow.page_width = 200;
    options.reflow.page_height = 260;
    options.reflow.font_size = 16;
    return options;
}

std::unique_ptr<Document> fresh_novel(const OpenOptions& options = small_pages())
{
    auto document
        = Document::open_epub(test::test_engine(), test::unzip_resources(test::sample_titles() / "fox-novel.epub"), options);
    EXPECT_TRUE(document) << (document ? "" : document.error().message);
    return document ? std::move(*document) : nullptr;
}

// The count found without count_pages(): the first page that is refused.
int first_missing_page(const Document& document)
{
    int page = 0;
    while (page < 10000 && document.page_size(page))
        ++page;
    return page;
}

}

TEST(PageCount, an_epub_opens_uncounted_and_renders_its_first_page_before_the_count)
{
    auto document = fresh_novel();
    ASSERT_TRUE(document);
    EXPECT_FALSE(document->known_page_count());
    auto image = document->render_page(0, 0.5f);
    ASSERT_TRUE(image) << image.error().message;
    EXPECT_GT(image->width, 0);
    EXPECT_FALSE(document->known_page_count()) << "drawing page 0 must not count the book";
}

TEST(PageCount, counting_gives_the_number_of_pages_the_book_has)
{
    auto counted = fresh_novel();
    auto walked = fresh_novel();
    ASSERT_TRUE(counted && walked);
    auto count = counted->count_pages();
    ASSERT_TRUE(count) << count.error().message;
    EXPECT_GT(*count, 8);
    EXPECT_EQ(counted->known_page_count(), *count);
    EXPECT_EQ(counted->page_count(), *count);
    EXPECT_EQ(first_missing_page(*walked), *count);
}

TEST(PageCount, pages_past_the_first_work_before_the_count_and_match_a_counted_book)
{
    auto uncounted = fresh_novel();
    auto counted = fresh_novel();
    ASSERT_TRUE(uncounted && counted);
    ASSERT_TRUE(counted->count_pages());
    int page = 6;
    auto text = uncounted->page_text(page);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, counted->page_text(page).value());
    ASSERT_TRUE(uncounted->render_page(page, 0.5f));
    auto position = uncounted->position_of(page);
    ASSERT_TRUE(position) << position.error().message;
    auto found = uncounted->page_of(*position);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(*found, page);
    EXPECT_EQ(uncounted->page_label(page), "7");
}

TEST(PageCount, a_page_past_the_end_is_refused_and_the_refusal_counts_the_book)
{
    auto document = fresh_novel();
    auto reference = fresh_novel();
    ASSERT_TRUE(document && reference);
    int count = reference->count_pages().value();
    auto image = document->render_page(count + 20, 0.5f);
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().kind, ErrorKind::InvalidArgument);
    EXPECT_EQ(document->known_page_count(), count);
    EXPECT_FALSE(document->page_size(count));
    EXPECT_TRUE(document->page_size(count - 1));
    EXPECT_FALSE(document->page_size(-1));
}

// Reopening at a saved page: the reader goes straight to that page number.
TEST(PageCount, the_last_page_is_reached_before_the_count)
{
    auto reference = fresh_novel();
    ASSERT_TRUE(reference);
    int last = reference->count_pages().value() - 1;
    auto reader = fresh_novel();
    ASSERT_TRUE(reader);
    auto text = reader->page_text(last);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, reference->page_text(last).value());
    // The last page of this layout holds no text, and MuPDF marks positions by text.
    auto position = reader->position_of(last - 1);
    ASSERT_TRUE(position) << position.error().message;
    EXPECT_EQ(reader->page_of(*position).value_or(-1), last - 1);
    EXPECT_EQ(reader->count_pages().value_or(-1), last + 1);
}

TEST(PageCount, relayout_makes_the_count_unknown_until_counted_again)
{
    auto document = fresh_novel();
    ASSERT_TRUE(document);
    int small = document->count_pages().value();
    auto settings = document->reflow_settings();
    settings.font_size = 24;
    ASSERT_TRUE(document->relayout(settings));
    EXPECT_FALSE(document->known_page_count());
    auto large = document->count_pages();
    ASSERT_TRUE(large);
    EXPECT_GT(*large, small);
    EXPECT_EQ(document->known_page_count(), *large);
}

TEST(PageCount, a_book_longer_than_the_page_limit_fails_to_count)
{
    OpenOptions options = small_pages();
    options.max_pages = 2;
    auto document = fresh_novel(options);
    ASSERT_TRUE(document);
    ASSERT_TRUE(document->render_page(0, 0.5f)); // the first page is shown before the count
    auto count = document->count_pages();
    ASSERT_FALSE(count);
    EXPECT_EQ(count.error().kind, ErrorKind::LimitExceeded);
    EXPECT_EQ(document->page_count(), 0);
    EXPECT_FALSE(document->known_page_count());
}

TEST(PageCount, a_pdf_is_counted_at_open)
{
    auto source = drm::FileByteSource::open(test::sample_titles() / "fox-in-kyoto.pdf");
    ASSERT_TRUE(source);
    auto document = Document::open_pdf(test::test_engine(), std::move(*source));
    ASSERT_TRUE(document);
    EXPECT_EQ((*document)->known_page_count(), 10);
}

TEST(PageCount, the_renderer_drops_pages_past_the_end_of_an_uncounted_book_without_an_error)
{
    std::shared_ptr<Document> document = fresh_novel();
    ASSERT_TRUE(document);
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<RenderResult> results;
    auto renderer = Renderer::create(document, [&](RenderResult result) {
        std::lock_guard lock(mutex);
        results.push_back(std::move(result));
        changed.notify_all();
    }).value();
    auto first = page_key(0, 0.5f, Theme::Normal);
    auto beyond = page_key(5000, 0.5f, Theme::Normal);
    renderer->request({ first, beyond }, +1);
    std::unique_lock lock(mutex);
    // A generous safety net, not a timing check: page 0's result, then nothing left to do.
    changed.wait_for(lock, std::chrono::seconds(60), [&] { return !results.empty(); });
    for (int i = 0; i < 6000 && renderer->pending() > 0; ++i) {
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        lock.lock();
    }
    ASSERT_FALSE(results.empty());
    for (const auto& result : results) {
        EXPECT_TRUE(result.image) << "page " << result.target.page << ": " << result.image.error().message;
        EXPECT_LT(result.target.page, 5000);
    }
    EXPECT_TRUE(renderer->cached(first));
    EXPECT_FALSE(renderer->cached(beyond));
    EXPECT_TRUE(document->known_page_count()) << "asking for page 5000 ran off the end and counted";
}
