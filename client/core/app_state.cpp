#include "core/app_state.h"

#include <algorithm>

namespace hondana::client {

std::string_view screen_name(Screen screen)
{
    switch (screen) {
    case Screen::Status:
        return "status";
    case Screen::SignIn:
        return "signin";
    case Screen::Bookshelf:
        return "bookshelf";
    case Screen::Catalog:
        return "catalog";
    case Screen::Reader:
        return "reader";
    case Screen::Settings:
        return "settings";
    case Screen::Teacher:
        return "teacher";
    case Screen::Password:
        return "password";
    }
    return "unknown";
}

std::string_view theme_name(render::Theme theme)
{
    switch (theme) {
    case render::Theme::Normal:
        return "normal";
    case render::Theme::Sepia:
        return "sepia";
    case render::Theme::Night:
        return "night";
    case render::Theme::HighContrast:
        return "high_contrast";
    }
    return "normal";
}

std::optional<render::Theme> theme_from_name(std::string_view name)
{
    for (auto theme : { render::Theme::Normal, render::Theme::Sepia, render::Theme::Night, render::Theme::HighContrast }) {
        if (theme_name(theme) == name)
            return theme;
    }
    return std::nullopt;
}

nlohmann::json to_json(const AppState& state)
{
    const auto& reader = state.reader;
    nlohmann::json outline_pages = nlohmann::json::array();
    for (const auto& item : reader.outline)
        outline_pages.push_back(item.page ? *item.page : -1);
    nlohmann::json out {
        { "screen", screen_name(state.screen) },
        { "language", state.language },
        { "theme", theme_name(state.theme) },
        { "error", state.error ? state.error->code : "none" },
        { "error_message", state.error ? state.error->message_key : "" },
        { "notice", state.notice_key.empty() ? "none" : state.notice_key },
        { "frame", state.frame },
        { "book_open", reader.open },
        { "opening", reader.opening },
        { "title", reader.title },
        { "page", reader.page },
        { "page_label", reader.page_label },
        { "page_count", reader.page_count ? nlohmann::json(*reader.page_count) : nlohmann::json(nullptr) },
        { "page_count_known", reader.page_count.has_value() },
        { "progression", reader.progression == render::ReadingProgression::RightToLeft ? "rtl" : "ltr" },
        { "layout", reader.layout == render::LayoutKind::Reflowable ? "reflowable" : "fixed" },
        { "spread", reader.spread },
        { "fit", reader.fit == FitMode::Page ? "page" : "width" },
        { "zoom", reader.zoom },
        { "text_size", reader.text_size },
        { "search_query", reader.search_query },
        { "searching", reader.searching },
        { "search_hits", reader.hits.size() },
        { "blocked_link", reader.blocked_link.empty() ? "none" : reader.blocked_link },
        { "bookmarks", reader.bookmarks.size() },
        { "outline", reader.outline.size() },
        { "outline_pages", outline_pages },
        { "network", state.online.network },
        { "policy_loaded", state.online.policy_loaded },
        { "enrolled", state.online.enrolled },
        { "signing_in", state.online.signing_in },
        { "loans_ready", std::count_if(state.online.loans.begin(), state.online.loans.end(), [](const LoanView& loan) { return loan.ready_offline; }) },
        { "downloading", std::count_if(state.online.loans.begin(), state.online.loans.end(), [](const LoanView& loan) { return loan.download_percent.has_value(); }) },
        { "covers", std::count_if(state.online.loans.begin(), state.online.loans.end(), [](const LoanView& loan) { return loan.cover != nullptr; }) },
        { "signed_in", state.online.signed_in },
        { "offline_mode", state.online.offline_mode },
        { "locked", state.online.locked },
        { "must_change_password", state.online.must_change_password },
        { "remaining_attempts", state.online.remaining_attempts ? *state.online.remaining_attempts : -1 },
        { "loans", state.online.loans.size() },
        { "catalog", state.online.catalog.size() },
        { "catalog_loading", state.online.catalog_loading },
    };
    add_classroom_json(state.classroom, out);
    add_account_json(state.account, out);
    return out;
}

}
