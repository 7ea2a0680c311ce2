#pragma once

#include "views/view.h"

namespace hondana::client {

// Language, UI text size, reading theme; the account (change password) when
// signed in; version, policy source and renderer (about).
class SettingsView final : public View {
public:
    using View::View;

protected:
    void drawContent(const AppState& state) override;
};

}
