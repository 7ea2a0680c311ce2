#pragma once

// One screen of the reader. draw() is the same for every view (a full-window
// panel, the navigation bar, the error and notice banners); each view fills
// drawContent() from the state snapshot and answers with Commands.

#include "core/app_state.h"
#include "core/commands.h"
#include "ui/widgets.h"

namespace hondana::client {

class View {
public:
    View(ui::Widgets& widgets, Commands& commands);
    virtual ~View() = default;
    View(const View&) = delete;
    View& operator=(const View&) = delete;

    virtual void draw(const AppState& state) final;

protected:
    virtual void drawContent(const AppState& state) = 0;
    // Views that need the whole window (the reader) hide the navigation bar.
    [[nodiscard]] virtual bool showsNavigation() const { return true; }

    ui::Widgets& m_ui;
    Commands& m_commands;

private:
    void draw_navigation(const AppState& state);
    void draw_banners(const AppState& state);
};

}
