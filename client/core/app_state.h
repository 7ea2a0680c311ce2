#pragma once

// Everything the reader's screens show, owned by the App on the main thread.
// Views draw from it (const) and send Commands; background work reports back
// through the MainQueue, which runs its closures on the main thread between
// frames. `to_json` is what `hondana --script` queries.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hondana/render/renderer.h"
#include "core/account_state.h"
#include "core/class_session_state.h"
#include "hondana/sync/sync_worker.h"

namespace hondana::client {

enum class Screen { Status, SignIn, Bookshelf, Catalog, Reader, Settings, Teacher, Password };
[[nodiscard]] std::string_view screen_name(Screen screen);

enum class FitMode { Page, Width };
enum class Panel { None, Contents, Bookmarks, Search };

struct ErrorShown {
    std::string code;        // stable, for example "render.malformed_document"
    std::string message_key; // catalog key of the sentence shown
    std::string detail;      // technical detail, shown small
};

struct BookmarkEntry {
    int64_t id { 0 };
    int page { 0 };
    std::string label;
    uint64_t mark { 0 };
};

struct ReaderState {
    bool open { false };
    bool opening { false };
    std::string book_id;
    std::string title;
    int page { 0 };
    // Pages in the book; empty until counted (an EPUB is counted after its
    // first page is on screen: render::Document::count_pages()).
    std::optional<int> page_count;
    bool end_pending { false }; // "go to the end" asked before the count: done when it comes
    std::string page_label;
    render::ReadingProgression progression { render::ReadingProgression::LeftToRight };
    render::LayoutKind layout { render::LayoutKind::Fixed };
    render::Size page_size { 595, 842 };
    bool spread { false };
    FitMode fit { FitMode::Page };
    float zoom { 1.0f };
    float pan_x { 0 };
    float pan_y { 0 };
    float text_size { 12 };
    Panel panel { Panel::None };
    std::vector<render::OutlineItem> outline;
    std::vector<BookmarkEntry> bookmarks;
    std::string search_query;
    bool searching { false };
    std::vector<render::SearchHit> hits;
    int current_hit { -1 };
    std::vector<render::Link> links; // of the visible pages, for clicks
    std::vector<int> link_pages;
    std::string blocked_link;        // the last external link refused (shown as a notice)
    // Rendered pages ready to draw (only those wanted now).
    std::map<std::pair<int, int>, std::shared_ptr<const render::PageImage>> images; // (page, scale_milli)
    std::vector<render::PageKey> requested; // what the page view asked for last
    uint64_t layout_generation { 0 };
};

// Covers are drawn this size (pixels; the bookshelf scales them to the display).
inline constexpr int cover_width = 96;
inline constexpr int cover_height = 144;

struct LoanView {
    std::string loan_id;
    std::string title_id;
    std::string title;
    std::string due;   // RFC 3339
    bool ready_offline { false };
    std::optional<int> download_percent;
    std::shared_ptr<const render::PageImage> cover; // null until fetched (or when there is none)
};

struct ReservationView {
    std::string title;
    int64_t position { 0 };
};

struct CatalogItemView {
    std::string id;
    std::string title;
    std::string author;
    int64_t copies { 0 };
    int64_t available { 0 };
    int64_t queue { 0 };
};

struct LocalBook {
    std::string id;
    std::string title;
    std::string path;
};

struct OnlineState {
    bool policy_loaded { false };
    std::string policy_source;
    std::string device_id;
    bool enrolled { false };
    std::string network { "unknown" }; // trusted, untrusted, offline, unknown
    std::string network_reason;
    std::string admin_action;
    bool signed_in { false };
    bool signing_in { false };
    bool offline_mode { false };
    bool totp_required { false };
    std::optional<int> remaining_attempts;
    bool locked { false };
    // The password was issued by an admin: the password screen until it is changed.
    bool must_change_password { false };
    std::string user_name;
    std::vector<LoanView> loans;
    std::vector<ReservationView> reservations;
    std::vector<CatalogItemView> catalog;
    bool catalog_loading { false };
};

struct AppState {
    Screen screen { Screen::Status };
    std::string language { "ja" };
    float ui_text_scale { 1.0f };
    float dpi_scale { 1.0f };
    render::Theme theme { render::Theme::Normal };
    std::optional<ErrorShown> error;
    std::string notice_key; // a short message (catalog key) shown until dismissed
    ReaderState reader;
    OnlineState online;
    std::vector<LocalBook> local_books;
    uint64_t frame { 0 };
    ClassroomState classroom; // class-wide reading sessions (issue 6)
    PasswordChangeState account; // the password screen
};

// The queryable part of the state (screen, page, error, …) as JSON.
[[nodiscard]] nlohmann::json to_json(const AppState& state);

[[nodiscard]] std::string_view theme_name(render::Theme theme);
[[nodiscard]] std::optional<render::Theme> theme_from_name(std::string_view name);

// Work results that must touch AppState: posted from any thread, run on the
// main thread once per frame.
using MainQueue = sync::ResultQueue<std::function<void(AppState&)>>;

}
