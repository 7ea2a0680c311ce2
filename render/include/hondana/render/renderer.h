#pragma once

// Renders pages of one document on worker threads (each with its own cloned
// fz_context), prefetches the neighbours of what is visible, keeps rendered
// pages in a cache bounded in bytes, and cancels work nobody wants any more.
// Results come back through a callback on a worker thread: the reader posts
// them to its main-thread queue.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "hondana/render/document.h"

namespace hondana::render {

// What to draw: a page at a scale in a theme. Scales are kept to 1/1000.
struct PageKey {
    int page { 0 };
    int scale_milli { 1000 };
    Theme theme { Theme::Normal };
    [[nodiscard]] float scale() const { return static_cast<float>(scale_milli) / 1000.0f; }
    bool operator==(const PageKey&) const = default;
};

[[nodiscard]] PageKey page_key(int page, float scale, Theme theme);

struct RenderResult {
    PageKey target;
    uint64_t generation { 0 }; // of the request() that asked for it
    Result<std::shared_ptr<const PageImage>> image;
};

struct RendererOptions {
    size_t workers { 2 };
    size_t cache_bytes { 128u * 1024 * 1024 };
    int prefetch_ahead { 2 };  // pages after the visible ones (in reading order)
    int prefetch_behind { 1 };
    size_t recorded_pages { 12 }; // display lists kept, so zoom or theme changes skip interpretation
};

class Renderer {
public:
    using Callback = std::function<void(RenderResult)>;
    // `on_done` is called on a worker thread for every finished or failed
    // page (not for cancelled ones, nor for pages of a book not yet counted
    // that turn out to be past its end). Internal when threads cannot start.
    [[nodiscard]] static Result<std::unique_ptr<Renderer>> create(
        std::shared_ptr<Document> document, Callback on_done, const RendererOptions& options = {});
    // Cancels outstanding work and joins the workers.
    ~Renderer();
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    // The pages now on screen (in order) and the direction of travel (+1 forward,
    // -1 back). Queued or running work for anything not wanted now or as a
    // neighbour is cancelled. Returns the generation of this request.
    uint64_t request(const std::vector<PageKey>& visible, int direction = 1);
    // A rendered page from the cache, if there.
    [[nodiscard]] std::shared_ptr<const PageImage> cached(const PageKey& key) const;
    [[nodiscard]] size_t cached_bytes() const;
    // Work not yet finished (queued or running).
    [[nodiscard]] size_t pending() const;
    // Counters for tests and the benchmark.
    struct Stats {
        size_t rendered { 0 };
        size_t cancelled { 0 };
        size_t cache_hits { 0 };
        size_t evicted { 0 };
    };
    [[nodiscard]] Stats stats() const;

    struct State;

private:
    explicit Renderer(std::shared_ptr<State> state);
    std::shared_ptr<State> m_state;
};

}
