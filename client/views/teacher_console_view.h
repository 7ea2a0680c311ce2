#pragma once

#include <string>

#include "views/view.h"

namespace hondana::client {

// The teacher console (issue 6): pick class, title, start page and mode;
// start now, in a number of minutes or at a local time today; a live roster with each student's
// state and page; "everyone to my page" in guided mode; end the session.
class TeacherConsoleView final : public View {
public:
    using View::View;

protected:
    void drawContent(const AppState& state) override;

private:
    void draw_stream(const AppState& state);
    void draw_new_session(const AppState& state);
    void draw_session(const AppState& state, const ClassroomSession& session);
    void draw_roster(const ClassroomSession& session);

    std::string m_class;
    std::string m_title_id;
    std::string m_start_page { "1" };
    std::string m_mode { "free" };
    std::string m_start_in { "0" };
    std::string m_start_at; // "10:45", local time; empty: use m_start_in
    std::string m_guide_page;
};

}
