#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hondana/render/renderer.h"
#include "ui/page_textures.h"
#include "views/view.h"

struct ImVec2;

namespace hondana::client {

// The page view: turning by keys, click zones and swipes (the App turns
// swipes into commands), zoom and pan, fit page or width, spreads in the
// book's reading direction, contents, bookmarks, search, themes and text size.
class ReaderView final : public View {
public:
    ReaderView(ui::Widgets& widgets, Commands& commands, ui::PageTextures& textures);

protected:
    void drawContent(const AppState& state) override;
    [[nodiscard]] bool showsNavigation() const override { return false; }

private:
    void draw_toolbar(const AppState& state);
    void draw_panel(const AppState& state);
    [[nodiscard]] std::string page_indicator(const std::string& label, int page, std::optional<int> count) const;
    void draw_pages(const AppState& state, float x, float y, float width, float height);
    void handle_keys(const AppState& state);
    void handle_click(const AppState& state, float x, float y, float area_x, float area_width);

    struct PlacedPage {
        int page;
        float x, y, width, height, scale;
    };

    ui::PageTextures& m_textures;
    std::vector<render::PageKey> m_requested;
    uint64_t m_requested_generation { 0 };
    std::vector<PlacedPage> m_placed;
    int m_last_page { -1 };
    std::string m_search;
};

}
