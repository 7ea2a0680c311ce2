#pragma once

#include "views/view.h"

namespace hondana::client {

namespace ui {
class PageTextures;
}

// Loans with their covers (due dates, download progress, "ready offline"),
// reservations with their queue position, and books opened from files on
// this device.
class BookshelfView final : public View {
public:
    BookshelfView(ui::Widgets& widgets, Commands& commands, ui::PageTextures& textures);

protected:
    void drawContent(const AppState& state) override;

private:
    void draw_loan(const AppState& state, const LoanView& loan);
    // The loan's cover (or an empty frame of the same size until it arrives).
    void draw_cover(const AppState& state, const LoanView& loan);

    ui::PageTextures& m_textures;
};

}
