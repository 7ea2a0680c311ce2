#include "hondana/render/renderer.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <limits>
#include <list>
#include <thread>

#include "page_render.h"

namespace hondana::render {

PageKey page_key(int page, float scale, Theme theme)
{
    return PageKey { page, std::max(1, static_cast<int>(std::lround(scale * 1000.0f))), theme };
}

namespace {

struct Job {
    PageKey target;
    uint64_t generation { 0 };
    int priority { 0 }; // 0 visible, then by distance
    std::shared_ptr<fz_cookie> cookie;
};

struct CacheEntry {
    PageKey target;
    std::shared_ptr<const PageImage> image;
};

}

struct Renderer::State {
    std::shared_ptr<Document> document;
    Callback on_done;
    RendererOptions options;

    mutable std::mutex mutex;
    std::condition_variable wake;
    bool stopping { false };
    uint64_t generation { 0 };
    std::deque<Job> queue;
    std::vector<Job> running;
    std::vector<PageKey> wanted;
    std::list<CacheEntry> cache; // front = most recently used
    size_t cache_bytes { 0 };
    std::list<std::shared_ptr<detail::RecordedPage>> recorded;
    std::vector<int> recorded_pages;
    Stats stats;
    std::vector<std::thread> workers;

    [[nodiscard]] bool is_wanted(const PageKey& target) const
    {
        return std::find(wanted.begin(), wanted.end(), target) != wanted.end();
    }
    [[nodiscard]] bool in_cache(const PageKey& target) const
    {
        return std::any_of(cache.begin(), cache.end(), [&](const CacheEntry& e) { return e.target == target; });
    }
    [[nodiscard]] bool in_flight(const PageKey& target) const
    {
        auto same = [&](const Job& job) { return job.target == target; };
        return std::any_of(queue.begin(), queue.end(), same) || std::any_of(running.begin(), running.end(), same);
    }

    // Inserts and evicts least recently used entries past the byte budget,
    // sparing the pages on screen.
    void remember(const PageKey& target, std::shared_ptr<const PageImage> image)
    {
        cache_bytes += image->byte_size();
        cache.push_front({ target, std::move(image) });
        for (auto it = cache.end(); cache_bytes > options.cache_bytes && it != cache.begin();) {
            --it;
            if (it == cache.begin() || is_wanted(it->target))
                continue;
            cache_bytes -= it->image->byte_size();
            it = cache.erase(it);
            ++stats.evicted;
        }
    }

    // A recorded page from the small display-list cache (lock held by caller
    // only while looking; recording happens outside it).
    Result<std::shared_ptr<detail::RecordedPage>> recorded_page(int page)
    {
        {
            std::lock_guard lock(mutex);
            for (auto it = recorded.begin(); it != recorded.end(); ++it) {
                if (recorded_pages[static_cast<size_t>(std::distance(recorded.begin(), it))] == page)
                    return *it;
            }
        }
        auto made = TRY(detail::record_page(*document, page));
        std::lock_guard lock(mutex);
        recorded.push_front(made);
        recorded_pages.insert(recorded_pages.begin(), page);
        while (recorded.size() > options.recorded_pages) {
            recorded.pop_back();
            recorded_pages.pop_back();
        }
        return made;
    }

    // A page asked for before the book was counted that turned out not to exist.
    [[nodiscard]] bool past_the_end(int page) const
    {
        auto count = document->known_page_count();
        return count && page >= *count;
    }

    void work(fz_context* ctx);
    void finish(const Job& job, Result<PageImage> image);
};

void Renderer::State::finish(const Job& job, Result<PageImage> image)
{
    RenderResult result { job.target, job.generation, tl::make_unexpected(Error { ErrorKind::Cancelled, "" }) };
    {
        std::lock_guard lock(mutex);
        running.erase(std::find_if(running.begin(), running.end(), [&](const Job& j) { return j.cookie == job.cookie; }));
        if (!image && (image.error().kind == ErrorKind::Cancelled || past_the_end(job.target.page))) {
            ++stats.cancelled;
            return;
        }
        if (image) {
            auto shared = std::make_shared<const PageImage>(std::move(*image));
            remember(job.target, shared);
            ++stats.rendered;
            result.image = shared;
        } else {
            result.image = tl::make_unexpected(image.error());
        }
    }
    wake.notify_all();
    if (on_done)
        on_done(std::move(result));
}

void Renderer::State::work(fz_context* ctx)
{
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex);
            wake.wait(lock, [&] { return stopping || !queue.empty(); });
            if (stopping)
                return;
            auto best = std::min_element(queue.begin(), queue.end(),
                [](const Job& a, const Job& b) { return a.priority < b.priority; });
            job = *best;
            queue.erase(best);
            running.push_back(job);
        }
        auto recorded_result = recorded_page(job.target.page);
        if (!recorded_result) {
            finish(job, tl::make_unexpected(recorded_result.error()));
            continue;
        }
        finish(job, detail::rasterize(ctx, **recorded_result, job.target.page, job.target.scale(), job.target.theme,
                        std::nullopt, job.cookie.get()));
    }
}

Result<std::unique_ptr<Renderer>> Renderer::create(
    std::shared_ptr<Document> document, Callback on_done, const RendererOptions& options)
{
    auto state = std::make_shared<State>();
    state->document = std::move(document);
    state->on_done = std::move(on_done);
    state->options = options;
    auto& engine = state->document->state().engine->state();
    for (size_t i = 0; i < std::max<size_t>(options.workers, 1); ++i) {
        auto ctx = TRY(engine.clone_context());
        state->workers.emplace_back([state_pointer = state.get(), owned = std::make_shared<detail::ContextHandle>(std::move(ctx))] {
            state_pointer->work(owned->get());
        });
    }
    return std::unique_ptr<Renderer>(new Renderer(std::move(state))); // raw-new: private constructor
}

Renderer::Renderer(std::shared_ptr<State> state)
    : m_state(std::move(state))
{
}

Renderer::~Renderer()
{
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stopping = true;
        m_state->queue.clear();
        for (auto& job : m_state->running)
            job.cookie->abort = 1;
    }
    m_state->wake.notify_all();
    for (auto& worker : m_state->workers)
        worker.join();
}

uint64_t Renderer::request(const std::vector<PageKey>& visible, int direction)
{
    auto& s = *m_state;
    // Not yet counted (EPUB): anything from page 0 may be asked for; pages past
    // the end fail to record and are dropped quietly (finish()).
    int pages = s.document->known_page_count().value_or(std::numeric_limits<int>::max());
    std::lock_guard lock(s.mutex);
    uint64_t generation = ++s.generation;
    std::vector<std::pair<PageKey, int>> wanted;
    for (const auto& target : visible)
        wanted.push_back({ target, 0 });
    if (!visible.empty()) {
        int first = visible.front().page, last = visible.front().page;
        for (const auto& target : visible) {
            first = std::min(first, target.page);
            last = std::max(last, target.page);
        }
        int span = last - first + 1;
        int step = direction >= 0 ? 1 : -1;
        for (int i = 1; i <= s.options.prefetch_ahead; ++i) {
            for (const auto& target : visible)
                wanted.push_back({ PageKey { target.page + step * span * i, target.scale_milli, target.theme }, i });
        }
        for (int i = 1; i <= s.options.prefetch_behind; ++i) {
            for (const auto& target : visible)
                wanted.push_back({ PageKey { target.page - step * span * i, target.scale_milli, target.theme }, i + 1 });
        }
    }
    s.wanted.clear();
    for (const auto& [target, priority] : wanted) {
        if (target.page >= 0 && target.page < pages)
            s.wanted.push_back(target);
    }
    // Cancel what is no longer wanted.
    s.queue.erase(std::remove_if(s.queue.begin(), s.queue.end(), [&](const Job& job) {
        bool drop = !s.is_wanted(job.target);
        s.stats.cancelled += drop ? 1 : 0;
        return drop;
    }), s.queue.end());
    for (auto& job : s.running) {
        if (!s.is_wanted(job.target))
            job.cookie->abort = 1;
    }
    for (const auto& [target, priority] : wanted) {
        if (target.page < 0 || target.page >= pages || s.in_flight(target))
            continue;
        if (s.in_cache(target)) {
            ++s.stats.cache_hits;
            continue;
        }
        auto cookie = std::make_shared<fz_cookie>();
        s.queue.push_back(Job { target, generation, priority, std::move(cookie) });
    }
    s.wake.notify_all();
    return generation;
}

std::shared_ptr<const PageImage> Renderer::cached(const PageKey& target) const
{
    std::lock_guard lock(m_state->mutex);
    for (auto it = m_state->cache.begin(); it != m_state->cache.end(); ++it) {
        if (it->target == target) {
            m_state->cache.splice(m_state->cache.begin(), m_state->cache, it);
            return m_state->cache.front().image;
        }
    }
    return nullptr;
}

size_t Renderer::cached_bytes() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->cache_bytes;
}

size_t Renderer::pending() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->queue.size() + m_state->running.size();
}

Renderer::Stats Renderer::stats() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->stats;
}

}
