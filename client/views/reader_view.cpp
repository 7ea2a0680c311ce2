#include "views/reader_view.h"

#include <SDL_scancode.h>
#include <algorithm>
#include <imgui.h>
#include <imgui_internal.h>

#include "core/reader_layout.h"
#include "hondana/render/theme.h"

namespace hondana::client {

namespace {

bool key_pressed(SDL_Scancode code) { return ImGui::IsKeyPressed(static_cast<int>(code)); }

ImU32 paper_colour(render::Theme theme)
{
    auto paper = render::theme_colors(theme).paper;
    return IM_COL32(paper[0], paper[1], paper[2], 255);
}

}

ReaderView::ReaderView(ui::Widgets& widgets, Commands& commands, ui::PageTextures& textures)
    : View(widgets, commands)
    , m_textures(textures)
{
}

void ReaderView::drawContent(const AppState& state)
{
    const auto& reader = state.reader;
    if (reader.opening) {
        m_ui.text("reader.opening");
        return;
    }
    if (!reader.open) {
        if (m_ui.button("common.back"))
            m_commands.push(command::Navigate { Screen::Bookshelf });
        return;
    }
    draw_toolbar(state);
    if (!reader.blocked_link.empty())
        m_ui.text_format("reader.blocked_link", { { "uri", reader.blocked_link } });
    ImVec2 origin = ImGui::GetCursorScreenPos();
    ImVec2 available = ImGui::GetContentRegionAvail();
    float panel_width = reader.panel == Panel::None ? 0 : std::min(available.x * 0.3f, ImGui::GetFontSize() * 18);
    if (panel_width > 0) {
        ImGui::BeginChild("##panel", ImVec2(panel_width, available.y), true);
        draw_panel(state);
        ImGui::EndChild();
        ImGui::SameLine();
    }
    draw_pages(state, origin.x + panel_width, origin.y, available.x - panel_width, available.y);
    handle_keys(state);
}

void ReaderView::draw_toolbar(const AppState& state)
{
    const auto& reader = state.reader;
    auto tool = [&](std::string_view key, Command command, bool active = false) {
        if (m_ui.toggle(key, active))
            m_commands.push(std::move(command));
        ImGui::SameLine();
    };
    tool("reader.close", command::CloseBook {});
    bool rtl = reader.progression == render::ReadingProgression::RightToLeft;
    // Buttons sit in the book's direction: for right-to-left books "next" is on the left.
    tool(rtl ? "reader.next" : "reader.prev", command::TurnPage { rtl ? 1 : -1 });
    ImGui::TextUnformatted(page_indicator(reader.page_label, reader.page, reader.page_count).c_str());
    ImGui::SameLine();
    tool(rtl ? "reader.prev" : "reader.next", command::TurnPage { rtl ? -1 : 1 });
    tool("reader.zoom_out", command::Zoom { 1 / 1.25f });
    tool("reader.zoom_in", command::Zoom { 1.25f });
    tool("reader.fit_page", command::SetFit { FitMode::Page }, reader.fit == FitMode::Page);
    tool("reader.fit_width", command::SetFit { FitMode::Width }, reader.fit == FitMode::Width);
    if (reader.layout == render::LayoutKind::Fixed)
        tool("reader.spread", command::ToggleSpread {}, reader.spread);
    auto panel = [&](std::string_view key, Panel which) {
        tool(key, command::ShowPanel { reader.panel == which ? Panel::None : which }, reader.panel == which);
    };
    panel("reader.toc", Panel::Contents);
    panel("reader.bookmarks", Panel::Bookmarks);
    panel("reader.search", Panel::Search);
    ImGui::NewLine();
    for (auto theme : { render::Theme::Normal, render::Theme::Sepia, render::Theme::Night, render::Theme::HighContrast })
        tool("theme." + std::string(theme_name(theme)), command::SetTheme { theme }, state.theme == theme);
    if (reader.layout == render::LayoutKind::Reflowable) {
        tool("reader.text_smaller", command::ChangeTextSize { -2 });
        tool("reader.text_larger", command::ChangeTextSize { 2 });
    }
    ImGui::NewLine();
}

// "label (page / count)", or "label (page / …)" while the book is being counted.
std::string ReaderView::page_indicator(const std::string& label, int page, std::optional<int> count) const
{
    if (!count)
        return m_ui.tr_format("reader.page_counting", { { "label", label }, { "page", std::to_string(page + 1) } });
    return m_ui.tr_format(
        "reader.page", { { "label", label }, { "page", std::to_string(page + 1) }, { "count", std::to_string(*count) } });
}

void ReaderView::draw_panel(const AppState& state)
{
    const auto& reader = state.reader;
    switch (reader.panel) {
    case Panel::Contents:
        for (size_t i = 0; i < reader.outline.size(); ++i) {
            const auto& item = reader.outline[i];
            ImGui::Indent(static_cast<float>(item.depth) * ImGui::GetFontSize() + 1);
            if (m_ui.data_row("area.toc:" + std::to_string(i), item.title) && item.page)
                m_commands.push(command::GoToPage { *item.page });
            ImGui::Unindent(static_cast<float>(item.depth) * ImGui::GetFontSize() + 1);
        }
        break;
    case Panel::Bookmarks:
        if (m_ui.button("reader.add_bookmark"))
            m_commands.push(command::AddBookmark {});
        if (reader.bookmarks.empty())
            m_ui.text("reader.no_bookmarks");
        for (const auto& bookmark : reader.bookmarks) {
            if (m_ui.data_row("area.bookmark:" + std::to_string(bookmark.id), bookmark.label, bookmark.page == reader.page))
                m_commands.push(command::GoToPage { bookmark.page });
        }
        break;
    case Panel::Search: {
        bool go = m_ui.input("reader.search_query", m_search);
        if (m_ui.button("reader.search_go") || go)
            m_commands.push(command::Search { m_search });
        if (reader.searching)
            m_ui.text("common.loading");
        else if (!reader.search_query.empty())
            m_ui.text_format(reader.hits.empty() ? "reader.search_none" : "reader.search_results",
                { { "n", std::to_string(reader.hits.size()) } });
        for (size_t i = 0; i < reader.hits.size(); ++i) {
            const auto& hit = reader.hits[i];
            auto label = page_indicator(std::to_string(hit.page + 1), hit.page, reader.page_count);
            if (m_ui.data_row("area.hit:" + std::to_string(i), label, static_cast<int>(i) == reader.current_hit))
                m_commands.push(command::GoToHit { static_cast<int>(i) });
        }
        break;
    }
    case Panel::None:
        break;
    }
}

void ReaderView::draw_pages(const AppState& state, float x, float y, float width, float height)
{
    const auto& reader = state.reader;
    auto* draw = ImGui::GetWindowDrawList();
    auto paper = render::theme_colors(state.theme).paper;
    draw->AddRectFilled(ImVec2(x, y), ImVec2(x + width, y + height),
        IM_COL32(paper[0] * 0.85, paper[1] * 0.85, paper[2] * 0.85, 255));
    auto pages = screen_order(visible_pages(reader.page, reader.page_count, reader.spread), reader.progression);
    float scale = std::clamp(fit_scale(reader.fit, reader.page_size, static_cast<int>(pages.size()), width, height) * reader.zoom, 0.05f, 6.0f);
    std::vector<render::PageKey> wanted;
    for (int page : pages)
        wanted.push_back(render::page_key(page, scale, state.theme));
    if (wanted != m_requested || reader.layout_generation != m_requested_generation) {
        int direction = reader.page >= m_last_page ? 1 : -1;
        m_commands.push(command::RequestPages { wanted, direction });
        m_requested = wanted;
        m_requested_generation = reader.layout_generation;
        m_last_page = reader.page;
    }
    float page_width = reader.page_size.width * scale, page_height = reader.page_size.height * scale;
    float total = page_width * static_cast<float>(pages.size());
    float left = x + std::max(0.0f, (width - total) / 2) + reader.pan_x;
    float top = y + std::max(0.0f, (height - page_height) / 2) + reader.pan_y;
    m_placed.clear();
    draw->PushClipRect(ImVec2(x, y), ImVec2(x + width, y + height), true);
    for (size_t i = 0; i < pages.size(); ++i) {
        int page = pages[i];
        float px = left + page_width * static_cast<float>(i);
        ImVec2 p0(px, top), p1(px + page_width, top + page_height);
        std::shared_ptr<const render::PageImage> image;
        auto exact = reader.images.find({ page, wanted[i].scale_milli });
        if (exact != reader.images.end())
            image = exact->second;
        else
            for (const auto& [key, candidate] : reader.images)
                if (key.first == page)
                    image = candidate;
        if (auto texture = m_textures.texture(image))
            draw->AddImage(reinterpret_cast<ImTextureID>(texture), p0, p1);
        else
            draw->AddRectFilled(p0, p1, paper_colour(state.theme));
        for (const auto& hit : reader.hits) {
            if (hit.page != page)
                continue;
            for (const auto& quad : hit.quads)
                draw->AddRectFilled(ImVec2(px + quad.x0 * scale, top + quad.y0 * scale),
                    ImVec2(px + quad.x1 * scale, top + quad.y1 * scale), IM_COL32(255, 200, 0, 90));
        }
        m_ui.register_rect("area.page:" + std::to_string(page), { p0.x, p0.y, p1.x, p1.y });
        for (size_t l = 0; l < reader.links.size(); ++l) {
            if (reader.link_pages[l] != page)
                continue;
            const auto& bounds = reader.links[l].bounds;
            m_ui.register_rect("area.link:" + reader.links[l].uri,
                { px + bounds.x0 * scale, top + bounds.y0 * scale, px + bounds.x1 * scale, top + bounds.y1 * scale });
        }
        m_placed.push_back({ page, px, top, page_width, page_height, scale });
    }
    draw->PopClipRect();
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    ImGui::InvisibleButton("##pages", ImVec2(std::max(width, 1.0f), std::max(height, 1.0f)));
    m_ui.register_last("area.pages");
    auto& io = ImGui::GetIO();
    if (ImGui::IsItemHovered() && io.KeyCtrl && io.MouseWheel != 0)
        m_commands.push(command::Zoom { io.MouseWheel > 0 ? 1.1f : 1 / 1.1f });
    else if (ImGui::IsItemHovered() && io.MouseWheel != 0)
        m_commands.push(command::Pan { 0, io.MouseWheel * ImGui::GetFontSize() * 3 });
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left) && (reader.zoom > 1.01f || reader.fit == FitMode::Width))
        m_commands.push(command::Pan { io.MouseDelta.x, io.MouseDelta.y });
    if (ImGui::IsItemDeactivated() && !ImGui::IsMouseDragPastThreshold(ImGuiMouseButton_Left))
        handle_click(state, io.MousePos.x, io.MousePos.y, x, width);
}

void ReaderView::handle_click(const AppState& state, float x, float y, float area_x, float area_width)
{
    const auto& reader = state.reader;
    for (const auto& placed : m_placed) {
        if (x < placed.x || x >= placed.x + placed.width || y < placed.y || y >= placed.y + placed.height)
            continue;
        float px = (x - placed.x) / placed.scale, py = (y - placed.y) / placed.scale;
        for (size_t i = 0; i < reader.links.size(); ++i) {
            if (reader.link_pages[i] == placed.page && reader.links[i].bounds.contains(px, py)) {
                m_commands.push(command::FollowLink { reader.links[i] });
                return;
            }
        }
    }
    if (int turn = click_zone(x - area_x, area_width, reader.progression))
        m_commands.push(command::TurnPage { turn });
}

void ReaderView::handle_keys(const AppState& state)
{
    if (ImGui::GetIO().WantTextInput)
        return;
    bool rtl = state.reader.progression == render::ReadingProgression::RightToLeft;
    if (key_pressed(SDL_SCANCODE_RIGHT))
        m_commands.push(command::TurnPage { rtl ? -1 : 1 });
    if (key_pressed(SDL_SCANCODE_LEFT))
        m_commands.push(command::TurnPage { rtl ? 1 : -1 });
    if (key_pressed(SDL_SCANCODE_PAGEDOWN) || key_pressed(SDL_SCANCODE_SPACE) || key_pressed(SDL_SCANCODE_DOWN))
        m_commands.push(command::TurnPage { 1 });
    if (key_pressed(SDL_SCANCODE_PAGEUP) || key_pressed(SDL_SCANCODE_UP))
        m_commands.push(command::TurnPage { -1 });
    if (key_pressed(SDL_SCANCODE_HOME))
        m_commands.push(command::GoToPage { 0 });
    if (key_pressed(SDL_SCANCODE_END))
        m_commands.push(command::GoToPage { end_of_book });
    if (key_pressed(SDL_SCANCODE_EQUALS) || key_pressed(SDL_SCANCODE_KP_PLUS))
        m_commands.push(command::Zoom { 1.25f });
    if (key_pressed(SDL_SCANCODE_MINUS) || key_pressed(SDL_SCANCODE_KP_MINUS))
        m_commands.push(command::Zoom { 1 / 1.25f });
    if (key_pressed(SDL_SCANCODE_ESCAPE))
        m_commands.push(command::CloseBook {});
}

}
