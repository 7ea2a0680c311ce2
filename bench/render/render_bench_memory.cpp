#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <fstream>
#include <iostream>
#include <sstream>

#include "hondana/drm/package.h"
#include "hondana/render/renderer.h"
#include "hondana/samples/samples.h"
#include "render_bench.h"

namespace hondana::bench {

double median_ms(int runs, const std::function<void()>& work)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

double rss_mib()
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    }
    return 0;
}

void protect(const std::filesystem::path& input, const std::filesystem::path& output, const drm::SecretBytes& key)
{
    if (input.extension() == ".pdf")
        (void)drm::package_pdf(input, output, key.view(), { "bench", "urn:hondana:bench", "en", "" }).value();
    else
        (void)drm::package_epub(input, output, key.view()).value();
}

void report(const std::string& name, double value, const std::string& unit, const std::string& goal)
{
    std::cout << name << " " << value << (unit.empty() ? "" : " " + unit) << (goal.empty() ? "" : "   (goal " + goal + ")") << "\n"
              << std::flush;
}

void measure_reading_memory(const std::filesystem::path& folder, const drm::SecretBytes& key)
{
    auto book = samples::load_book_text(samples::default_assets_dir() / "samples" / "fox-in-kyoto.en.txt").value();
    auto plain = folder / "fox-in-kyoto-300.pdf";
    int pages = samples::write_picture_pdf(book, plain, { "en", false, 300 }).value();
    auto protected_path = folder / "protected-fox-in-kyoto-300.pdf";
    protect(plain, protected_path, key);
    double before = rss_mib();
    auto engine = render::Engine::create().value();
    auto package = std::shared_ptr<drm::Package>(drm::Package::open(drm::FileByteSource::open(protected_path).value()).value());
    auto document = std::shared_ptr<render::Document>(
        render::Document::open_package(engine, package, std::make_shared<const drm::SecretBytes>(key.clone())).value());
    std::mutex mutex;
    std::condition_variable changed;
    int finished = -1;
    auto renderer = render::Renderer::create(document, [&](render::RenderResult result) {
        std::lock_guard lock(mutex);
        finished = std::max(finished, result.target.page);
        changed.notify_all();
    }).value();
    // A 1280 × 800 window shows a 595 × 420 pt page at about 2 pixels per point.
    for (int page = 0; page < 200; ++page) {
        renderer->request({ render::page_key(page, 2.0f, render::Theme::Normal) }, +1);
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return finished >= page; });
    }
    report("memory.pages_in_book", pages, "");
    report("memory.rss_before_open_mib", before, "MiB");
    report("memory.rss_after_200_pages_mib", rss_mib(), "MiB", "<= 300");
    report("memory.page_cache_mib", static_cast<double>(renderer->cached_bytes()) / (1024.0 * 1024.0), "MiB");
    report("memory.mupdf_allocated_mib", static_cast<double>(engine->allocated_bytes()) / (1024.0 * 1024.0), "MiB");
}

}
