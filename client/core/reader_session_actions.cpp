// ReaderSession: what happens after the book is open (page changes, text
// size, search, bookmarks), each on a worker with results through the queue.

#include "core/reader_session.h"
#include "core/reader_layout.h"
#include "core/reader_session_shared.h"

#include <utility>

namespace hondana::client {

namespace {

std::shared_ptr<render::Document> current_document(ReaderSession::Shared& shared)
{
    std::lock_guard lock(shared.mutex);
    return shared.document;
}

}

void ReaderSession::page_changed(AppState& state, const std::vector<int>& visible)
{
    auto document = current_document(*m_shared);
    if (!document)
        return;
    state.reader.page_label = document->page_label(state.reader.page);
    state.reader.blocked_link.clear();
    uint64_t generation = state.reader.layout_generation;
    m_worker.post([this, document, visible, generation, id = state.reader.book_id, page = state.reader.page, positions = m_positions] {
        std::vector<render::Link> links;
        std::vector<int> link_pages;
        for (int shown : visible) {
            for (auto& link : document->links(shown).value_or(std::vector<render::Link> {})) {
                links.push_back(std::move(link));
                link_pages.push_back(shown);
            }
        }
        if (positions) {
            if (auto position = document->position_of(page))
                positions->save_position(id, Locator { position->mark, page });
        }
        m_queue.push([links = std::move(links), link_pages = std::move(link_pages), generation](AppState& s) {
            if (s.reader.layout_generation != generation)
                return;
            s.reader.links = links;
            s.reader.link_pages = link_pages;
        });
    });
}

void ReaderSession::count_after_first_page(AppState& state)
{
    uint64_t generation = state.reader.layout_generation;
    if (state.reader.page_count || m_counted_generation == generation)
        return;
    auto document = current_document(*m_shared);
    if (!document)
        return;
    m_counted_generation = generation;
    m_count_worker.post([this, document, generation] {
        auto count = document->count_pages();
        auto outline = count ? document->outline().value_or(std::vector<render::OutlineItem> {})
                             : std::vector<render::OutlineItem> {};
        m_queue.push([this, count, outline = std::move(outline), generation](AppState& s) {
            if (s.reader.layout_generation != generation)
                return;
            if (!count) {
                s.error = ErrorShown { std::string(render::error_code(count.error().kind)), "reader.open_failed",
                    count.error().message };
                return;
            }
            s.reader.outline = outline;
            settle_page_count(s, *count);
        });
    });
}

void ReaderSession::settle_page_count(AppState& state, int count)
{
    auto& reader = state.reader;
    int before = reader.page;
    reader.page_count = count;
    if (std::exchange(reader.end_pending, false))
        reader.page = count - 1;
    reader.page = clamp_to_book(reader.page, count);
    if (reader.page != before)
        page_changed(state, visible_pages(reader.page, reader.page_count, reader.spread));
}

void ReaderSession::relayout(float text_size, AppState& state)
{
    auto document = current_document(*m_shared);
    if (!document || document->layout_kind() != render::LayoutKind::Reflowable)
        return;
    state.reader.text_size = text_size;
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->renderer.reset(); // its recorded pages belong to the old layout
    }
    state.reader.layout_generation = ++m_layout_generation;
    state.reader.images.clear();
    m_worker.post([this, document, text_size, page = state.reader.page, bookmarks = state.reader.bookmarks]() mutable {
        auto position = document->position_of(page);
        auto settings = document->reflow_settings();
        settings.font_size = text_size;
        auto laid_out = document->relayout(settings);
        int new_page = position ? document->page_of(*position).value_or(0) : 0;
        auto counted = document->count_pages();
        std::optional<int> count;
        std::optional<render::Error> error;
        if (!laid_out)
            error = laid_out.error();
        else if (!counted)
            error = counted.error();
        else
            count = *counted;
        // Page numbers moved: the contents and bookmarks are found again by position.
        auto outline = document->outline().value_or(std::vector<render::OutlineItem> {});
        for (auto& bookmark : bookmarks)
            bookmark.page = document->page_of(render::Position { bookmark.mark }).value_or(bookmark.page);
        m_queue.push([this, new_page, count, error, outline = std::move(outline), bookmarks = std::move(bookmarks)](AppState& s) {
            s.reader.outline = outline;
            s.reader.bookmarks = bookmarks;
            if (error)
                s.error = ErrorShown { std::string(render::error_code(error->kind)), "reader.open_failed", error->message };
            s.reader.page_count = count;
            s.reader.end_pending = false;
            s.reader.page = jump_target(new_page, count).value_or(0);
            s.reader.hits.clear();
            start_renderer(s);
        });
    });
}

void ReaderSession::search(std::string query, AppState& state)
{
    auto document = current_document(*m_shared);
    state.reader.search_query = query;
    state.reader.hits.clear();
    state.reader.current_hit = -1;
    uint64_t generation = ++m_shared->search_generation;
    if (!document || query.empty()) {
        state.reader.searching = false;
        return;
    }
    state.reader.searching = true;
    m_search_worker.clear();
    m_search_worker.post([this, shared = m_shared, document, query, generation] {
        std::vector<render::SearchHit> hits;
        for (int page = 0; page < document->page_count() && generation == shared->search_generation; ++page) {
            auto hit = document->search_page(page, query);
            if (hit && !hit->quads.empty())
                hits.push_back(std::move(*hit));
        }
        if (generation != shared->search_generation)
            return;
        m_queue.push([hits = std::move(hits), generation, shared](AppState& s) {
            if (generation != shared->search_generation)
                return;
            s.reader.searching = false;
            s.reader.hits = hits;
            s.reader.current_hit = hits.empty() ? -1 : 0;
            if (!hits.empty())
                s.reader.page = hits.front().page;
        });
    });
}

void ReaderSession::add_bookmark(AppState& state)
{
    auto document = current_document(*m_shared);
    if (!document || !m_positions)
        return;
    m_worker.post([this, document, id = state.reader.book_id, page = state.reader.page, positions = m_positions] {
        auto position = document->position_of(page);
        Locator locator { position ? position->mark : 0, page };
        std::string label = document->page_label(page);
        int64_t bookmark = positions->add_bookmark(id, locator, label);
        m_queue.push([bookmark, page, label, locator](AppState& s) {
            s.reader.bookmarks.push_back({ bookmark, page, label, locator.mark });
        });
    });
}

void ReaderSession::remove_bookmark(int64_t id, AppState& state)
{
    auto& list = state.reader.bookmarks;
    list.erase(std::remove_if(list.begin(), list.end(), [&](const BookmarkEntry& b) { return b.id == id; }), list.end());
    if (m_positions)
        m_worker.post([id, positions = m_positions] { positions->remove_bookmark(id); });
}

}
