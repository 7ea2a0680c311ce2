#pragma once

// The open book: its render::Document and Renderer, and the background work
// around them (opening, relayout, search, links, saving the position). Lives
// on the main thread; everything slow runs on its workers and reports back
// through the MainQueue.

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/app_state.h"
#include "core/position_store.h"
#include "hondana/drm/crypto.h"
#include "hondana/render/document.h"
#include "hondana/render/renderer.h"
#include "hondana/sync/sync_worker.h"

namespace hondana::client {

// Where a book comes from.
struct BookSource {
    std::string id;     // title ID (online) or a local identifier
    std::filesystem::path path; // a protected package, or a plain PDF/EPUB
    std::optional<std::string> passphrase; // LCP basic-profile packages
    std::shared_ptr<const drm::SecretBytes> content_key; // from a verified licence
};

// Opens a package (with its content key, an LCP passphrase or none for a
// package in clear) or a plain PDF/EPUB file. Blocking: call from a worker.
[[nodiscard]] render::Result<std::unique_ptr<render::Document>> open_book(
    std::shared_ptr<render::Engine> engine, const BookSource& source, const render::OpenOptions& options);

class ReaderSession {
public:
    ReaderSession(std::shared_ptr<render::Engine> engine, MainQueue& queue);
    ~ReaderSession();
    ReaderSession(const ReaderSession&) = delete;
    ReaderSession& operator=(const ReaderSession&) = delete;

    void set_position_store(std::shared_ptr<PositionStore> positions);
    void open(BookSource source, AppState& state);
    void close(AppState& state);
    // The pages the reader view wants now; drops images no longer wanted.
    void request_pages(const std::vector<render::PageKey>& pages, int direction, AppState& state);
    // After the page changed: saves the position, loads the visible pages' links.
    void page_changed(AppState& state, const std::vector<int>& visible);
    void relayout(float text_size, AppState& state);
    void search(std::string query, AppState& state);
    void add_bookmark(AppState& state);
    void remove_bookmark(int64_t id, AppState& state);
    [[nodiscard]] std::shared_ptr<render::Engine> engine() const { return m_engine; }

    struct Shared;

private:
    void start_renderer(AppState& state);
    // Once a page of this layout is on screen: counts a book not yet counted
    // (and reads its table of contents, which needs the same layout) on
    // m_count_worker, then settles the page, a pending "go to the end" and the label.
    void count_after_first_page(AppState& state);
    void settle_page_count(AppState& state, int count);

    std::shared_ptr<render::Engine> m_engine;
    MainQueue& m_queue;
    std::shared_ptr<Shared> m_shared;
    std::shared_ptr<PositionStore> m_positions;
    uint64_t m_layout_generation { 0 };
    uint64_t m_counted_generation { 0 }; // the layout generation whose count was started
    sync::SyncWorker m_worker;        // open, relayout, links, positions
    sync::SyncWorker m_search_worker; // searches (long; cancelled by generation)
    sync::SyncWorker m_count_worker;  // page counts (long for a big EPUB; never holds up an open)
};

}
