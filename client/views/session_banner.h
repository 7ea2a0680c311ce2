#pragma once

// The student's class-session banner (issue 6): which teacher and class the
// book was opened for, and in guided mode that the page follows the teacher.
// Drawn by every view under the error banner.

#include "core/app_state.h"
#include "ui/widgets.h"

namespace hondana::client {

void draw_session_banner(ui::Widgets& ui, const AppState& state);

}
