#include "core/reader_session.h"
#include "core/reader_layout.h"
#include "core/reader_session_shared.h"

#include <array>
#include <fstream>

#include "hondana/drm/lcp.h"
#include "hondana/drm/licence.h"
#include "hondana/drm/package.h"

namespace hondana::client {

namespace {

render::Error source_error(const drm::Error& error)
{
    return render::Error { render::ErrorKind::SourceFailed, std::string(drm::error_code(error.kind)) + ": " + error.message };
}

// The content key of a package: given, from an LCP basic licence and passphrase, or none (clear).
render::Result<std::shared_ptr<const drm::SecretBytes>> package_key(drm::Package& package, const BookSource& source)
{
    if (source.content_key)
        return source.content_key;
    if (!source.passphrase)
        return std::shared_ptr<const drm::SecretBytes> {};
    auto licence_text = package.embedded_licence();
    if (!licence_text || !*licence_text)
        return render::fail(render::ErrorKind::SourceFailed, "drm.missing_field: the package carries no licence");
    auto licence = drm::parse_licence(**licence_text);
    if (!licence)
        return tl::make_unexpected(source_error(licence.error()));
    auto key = drm::lcp_basic_content_key(*licence, *source.passphrase);
    if (!key)
        return tl::make_unexpected(source_error(key.error()));
    return std::make_shared<const drm::SecretBytes>(std::move(*key));
}

}

render::Result<std::unique_ptr<render::Document>> open_book(
    std::shared_ptr<render::Engine> engine, const BookSource& source, const render::OpenOptions& options)
{
    auto file = drm::FileByteSource::open(source.path);
    if (!file)
        return tl::make_unexpected(source_error(file.error()));
    std::shared_ptr<drm::ByteSource> bytes = std::move(*file);
    std::array<uint8_t, 5> head {};
    auto read = bytes->read_at(0, head);
    if (!read)
        return tl::make_unexpected(source_error(read.error()));
    if (*read >= 5 && std::string_view(reinterpret_cast<const char*>(head.data()), 5) == "%PDF-")
        return render::Document::open_pdf(std::move(engine), std::move(bytes), options);
    auto package = drm::Package::open(bytes);
    if (!package)
        return tl::make_unexpected(source_error(package.error()));
    std::shared_ptr<drm::Package> shared_package = std::move(*package);
    auto key = TRY(package_key(*shared_package, source));
    return render::Document::open_package(std::move(engine), std::move(shared_package), std::move(key), options);
}

ReaderSession::ReaderSession(std::shared_ptr<render::Engine> engine, MainQueue& queue)
    : m_engine(std::move(engine))
    , m_queue(queue)
    , m_shared(std::make_shared<Shared>())
{
}

ReaderSession::~ReaderSession()
{
    m_shared->search_generation++;
    m_search_worker.clear();
    m_count_worker.clear();
    m_worker.clear();
}

void ReaderSession::set_position_store(std::shared_ptr<PositionStore> positions) { m_positions = std::move(positions); }

void ReaderSession::open(BookSource source, AppState& state)
{
    close(state);
    state.reader.opening = true;
    state.reader.book_id = source.id;
    state.error.reset();
    uint64_t generation = ++m_shared->open_generation;
    render::OpenOptions options;
    options.reflow.font_size = state.reader.text_size;
    m_worker.post([this, shared = m_shared, source = std::move(source), options, generation, positions = m_positions] {
        auto opened = open_book(m_engine, source, options);
        std::shared_ptr<render::Document> document;
        std::optional<render::Error> error;
        if (opened)
            document = std::move(*opened);
        else
            error = opened.error();
        // Only what the first page needs happens before it: an EPUB's count
        // and table of contents (each lays out every chapter) come after it
        // (count_after_first_page). A PDF knows its count; its outline is cheap.
        std::optional<int> restored;
        std::vector<render::OutlineItem> outline;
        std::vector<BookmarkEntry> bookmarks;
        render::Size size { 595, 842 };
        std::string title;
        if (document) {
            title = document->title();
            if (document->known_page_count())
                outline = document->outline().value_or(std::vector<render::OutlineItem> {});
            size = document->page_size(0).value_or(size);
            if (positions) {
                bookmarks = positions->bookmarks(source.id);
                // By page number: an EPUB position mark points into one opening's
                // layout only (MuPDF's HTML boxes), so it cannot find the page again here.
                if (auto locator = positions->position(source.id))
                    restored = locator->page;
            }
        }
        m_queue.push([this, shared, document, error, restored, outline, bookmarks, size, title, generation](AppState& s) {
            if (generation != shared->open_generation)
                return;
            s.reader.opening = false;
            if (!document) {
                s.error = ErrorShown { std::string(render::error_code(error->kind)), "reader.open_failed", error->message };
                return;
            }
            {
                std::lock_guard lock(shared->mutex);
                shared->document = document;
            }
            auto& r = s.reader;
            r.open = true;
            r.title = title;
            r.page_count = document->known_page_count();
            r.progression = document->reading_progression();
            r.layout = document->layout_kind();
            r.page_size = size;
            // Picture books and manga that read right to left open as spreads.
            r.spread = r.layout == render::LayoutKind::Fixed && r.progression == render::ReadingProgression::RightToLeft;
            r.outline = outline;
            r.bookmarks = bookmarks;
            r.page = jump_target(restored.value_or(0), r.page_count).value_or(0);
            r.page_label = document->page_label(r.page);
            start_renderer(s);
        });
    });
}

void ReaderSession::start_renderer(AppState& state)
{
    std::shared_ptr<render::Document> document;
    {
        std::lock_guard lock(m_shared->mutex);
        document = m_shared->document;
        m_shared->renderer.reset();
    }
    if (!document)
        return;
    // Generations only grow, across books too, so views notice every new renderer.
    uint64_t generation = state.reader.layout_generation = ++m_layout_generation;
    state.reader.images.clear();
    auto callback = [this, queue = &m_queue, generation](render::RenderResult result) {
        queue->push([this, generation, result = std::move(result)](AppState& s) {
            if (s.reader.layout_generation != generation)
                return;
            if (result.image) {
                s.reader.images[{ result.target.page, result.target.scale_milli }] = *result.image;
                count_after_first_page(s);
            } else {
                s.error = ErrorShown { std::string(render::error_code(result.image.error().kind)), "reader.open_failed",
                    result.image.error().message };
            }
        });
    };
    auto renderer = render::Renderer::create(document, std::move(callback));
    if (!renderer) {
        state.error = ErrorShown { std::string(render::error_code(renderer.error().kind)), "reader.open_failed",
            renderer.error().message };
        return;
    }
    std::lock_guard lock(m_shared->mutex);
    m_shared->renderer = std::move(*renderer);
}

void ReaderSession::close(AppState& state)
{
    ++m_shared->open_generation;
    ++m_shared->search_generation;
    std::shared_ptr<render::Renderer> renderer;
    {
        std::lock_guard lock(m_shared->mutex);
        renderer = std::move(m_shared->renderer);
        m_shared->document.reset();
    }
    // Joining the render workers happens on the worker thread, not here.
    if (renderer)
        m_worker.post([renderer = std::move(renderer)]() mutable { renderer.reset(); });
    auto text_size = state.reader.text_size;
    auto spread = state.reader.spread;
    auto fit = state.reader.fit;
    state.reader = ReaderState {};
    state.reader.text_size = text_size;
    state.reader.spread = spread;
    state.reader.fit = fit;
}

void ReaderSession::request_pages(const std::vector<render::PageKey>& pages, int direction, AppState& state)
{
    std::shared_ptr<render::Renderer> renderer;
    {
        std::lock_guard lock(m_shared->mutex);
        renderer = m_shared->renderer;
    }
    if (!renderer)
        return;
    std::vector<render::PageKey> themed;
    for (auto page : pages) {
        page.theme = state.theme;
        themed.push_back(page);
    }
    for (auto it = state.reader.images.begin(); it != state.reader.images.end();) {
        bool wanted = std::any_of(themed.begin(), themed.end(),
            [&](const render::PageKey& k) { return k.page == it->first.first && k.scale_milli == it->first.second; });
        bool themed_right = it->second->theme == state.theme;
        it = wanted && themed_right ? std::next(it) : state.reader.images.erase(it);
    }
    for (const auto& page : themed) {
        if (auto image = renderer->cached(page))
            state.reader.images[{ page.page, page.scale_milli }] = image;
    }
    renderer->request(themed, direction);
}

}
