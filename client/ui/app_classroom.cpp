// App: class-wide reading sessions (issue 6) on the main thread — the event
// stream follows the online sign-in, a started session opens its book, and
// a guided session's page is followed. Everything slow runs in ClassSessions.

#include "ui/app.h"

namespace hondana::client {

void App::update_classroom()
{
    bool online = m_state.online.signed_in && !m_state.online.offline_mode && !m_state.online.must_change_password;
    if (online && !m_classroom->running())
        m_classroom->start(m_state.classroom.staff);
    else if (!online && m_classroom->running())
        m_classroom->stop();
    auto& classroom = m_state.classroom;
    auto& reader = m_state.reader;
    if (auto request = std::exchange(classroom.open_request, std::nullopt)) {
        if (!(reader.open && reader.book_id == request->title_id) && !reader.opening)
            apply(command::OpenLoan { request->title_id });
        m_state.screen = Screen::Reader;
        classroom.follow_page = request->page;
    }
    if (auto title = std::exchange(classroom.close_title, std::nullopt); title && reader.book_id == *title)
        apply(command::CloseBook {});
    const auto* session = banner_session(classroom);
    if (!classroom.follow_page || !session || !reader.open || reader.opening || reader.book_id != session->title_id)
        return;
    int previous = reader.page;
    go_to_page(*classroom.follow_page - 1);
    classroom.follow_page.reset();
    if (reader.page != previous)
        after_page_change(previous);
}

}
