#pragma once

#include "views/view.h"

namespace hondana::client {

// Loans (due dates, download progress, "ready offline"), reservations with
// their queue position, and books opened from files on this device.
class BookshelfView final : public View {
public:
    using View::View;

protected:
    void drawContent(const AppState& state) override;
};

}
