#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "hondana/render/renderer.h"
#include "render_test_support.h"

using namespace hondana;
using namespace hondana::render;

namespace {

// Collects results from worker threads.
class Results {
public:
    Renderer::Callback callback()
    {
        return [this](RenderResult result) {
            std::lock_guard lock(m_mutex);
            m_results.push_back(std::move(result));
            m_changed.notify_all();
        };
    }
    // Waits until `target` has a result (a generous safety net, not a timing check).
    std::optional<RenderResult> wait_for(const PageKey& target)
    {
        std::unique_lock lock(m_mutex);
        std::optional<RenderResult> found;
        m_changed.wait_for(lock, std::chrono::seconds(60), [&] {
            for (const auto& result : m_results) {
                if (result.target == target)
                    found = result;
            }
            return found.has_value();
        });
        return found;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<RenderResult> m_results;
};

std::shared_ptr<Document> sample_document()
{
    auto source = drm::FileByteSource::open(test::sample_titles() / "fox-in-kyoto.pdf");
    return std::shared_ptr<Document>(Document::open_pdf(test::test_engine(), std::move(*source)).value());
}

void wait_idle(const Renderer& renderer)
{
    for (int i = 0; i < 6000 && renderer.pending() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}

TEST(Renderer, renders_the_visible_page_and_prefetches_its_neighbours)
{
    Results results;
    auto renderer = Renderer::create(sample_document(), results.callback()).value();
    auto visible = page_key(3, 0.5f, Theme::Normal);
    renderer->request({ visible }, +1);
    auto result = results.wait_for(visible);
    ASSERT_TRUE(result);
    ASSERT_TRUE(result->image) << result->image.error().message;
    EXPECT_EQ((*result->image)->page, 3);
    EXPECT_TRUE(results.wait_for(page_key(4, 0.5f, Theme::Normal)));
    EXPECT_TRUE(results.wait_for(page_key(5, 0.5f, Theme::Normal)));
    EXPECT_TRUE(results.wait_for(page_key(2, 0.5f, Theme::Normal)));
    wait_idle(*renderer);
    EXPECT_TRUE(renderer->cached(page_key(4, 0.5f, Theme::Normal)));
    EXPECT_FALSE(renderer->cached(page_key(7, 0.5f, Theme::Normal)));
}

TEST(Renderer, turning_back_prefetches_backwards)
{
    Results results;
    auto renderer = Renderer::create(sample_document(), results.callback()).value();
    renderer->request({ page_key(6, 0.3f, Theme::Normal) }, -1);
    EXPECT_TRUE(results.wait_for(page_key(5, 0.3f, Theme::Normal)));
    EXPECT_TRUE(results.wait_for(page_key(4, 0.3f, Theme::Normal)));
    wait_idle(*renderer);
    EXPECT_FALSE(renderer->cached(page_key(8, 0.3f, Theme::Normal)));
}

TEST(Renderer, a_new_request_cancels_work_nobody_wants)
{
    Results results;
    RendererOptions options;
    options.workers = 1;
    auto renderer = Renderer::create(sample_document(), results.callback(), options).value();
    // Large renders of the first pages, then straight to the end of the book.
    renderer->request({ page_key(0, 4, Theme::Normal), page_key(1, 4, Theme::Normal) }, +1);
    renderer->request({ page_key(9, 0.2f, Theme::Normal) }, -1);
    auto last = results.wait_for(page_key(9, 0.2f, Theme::Normal));
    ASSERT_TRUE(last);
    wait_idle(*renderer);
    EXPECT_GT(renderer->stats().cancelled, 0u);
    EXPECT_FALSE(renderer->cached(page_key(3, 4, Theme::Normal)));
}

TEST(Renderer, cache_stays_within_its_byte_budget)
{
    Results results;
    RendererOptions options;
    options.cache_bytes = 600 * 1024; // about two pages at this scale
    options.prefetch_ahead = 0;
    options.prefetch_behind = 0;
    auto renderer = Renderer::create(sample_document(), results.callback(), options).value();
    size_t largest_page = 0;
    for (int page = 0; page < 10; ++page) {
        auto target = page_key(page, 0.75f, Theme::Sepia);
        renderer->request({ target });
        auto result = results.wait_for(target);
        ASSERT_TRUE(result && result->image);
        largest_page = std::max(largest_page, (*result->image)->byte_size());
        EXPECT_LE(renderer->cached_bytes(), options.cache_bytes + largest_page);
    }
    EXPECT_GT(renderer->stats().evicted, 0u);
    EXPECT_TRUE(renderer->cached(page_key(9, 0.75f, Theme::Sepia)));
}

TEST(Renderer, failures_are_reported_not_thrown)
{
    Results results;
    auto renderer = Renderer::create(sample_document(), results.callback()).value();
    auto bad = PageKey { 0, 0, Theme::Normal };
    renderer->request({ bad });
    auto result = results.wait_for(bad);
    ASSERT_TRUE(result);
    ASSERT_FALSE(result->image);
    EXPECT_EQ(result->image.error().kind, ErrorKind::InvalidArgument);
}
